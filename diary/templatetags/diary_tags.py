from __future__ import annotations

from typing import Any

from django import template

from diary import drafts

register = template.Library()


@register.inclusion_tag("diary/_panel.html", takes_context=True)
def diary_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The diary's panel on the person's home page, with a way back to writing kept after a sign-out."""
    request = context["request"]
    return {"kept": drafts.find(request)}
