from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from pages.service_numbers import link_numbers_in_html, number_link

register = template.Library()


@register.simple_tag
def service_number(key: str) -> SafeString:
    """A service's number as a tap-to-call (or tap-to-text) link, from the one list in pages/service_numbers.py."""
    return number_link(key)


@register.filter
def link_phone_numbers(html: str) -> SafeString:
    """For sanitised content only: every phone number in it becomes a tap-to-call link."""
    return mark_safe(link_numbers_in_html(str(html)))  # noqa: S308 - input is sanitised HTML; only <a> tags are added
