"""The robots and description meta tags of each page (see pages/seo.py)."""

from __future__ import annotations

from typing import Any

from django import template

from pages import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def robots_content(context: Any) -> str:
    request = context.get("request")
    return "index, follow" if request is not None and seo.is_indexable(request, context) else "noindex, nofollow"


@register.simple_tag(takes_context=True)
def meta_description(context: Any) -> str:
    request = context.get("request")
    return seo.description(request, context) if request is not None else ""
