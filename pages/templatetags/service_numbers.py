from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from pages.service_numbers import fill_numbers_in_html, link_numbers_in_html, number_link, resolve

register = template.Library()


@register.simple_tag
def service_number(key: str) -> SafeString:
    """A service's number as a tap-to-call (or tap-to-text) link, from the one list in pages/service_numbers.py."""
    return number_link(key)


@register.filter
def link_phone_numbers(html: str) -> SafeString:
    """For sanitised content only: each [[number:name]] becomes that number's tap-to-call link from the one
    list, and any other phone number typed in it a tap-to-call link too."""
    return mark_safe(link_numbers_in_html(fill_numbers_in_html(str(html))))  # noqa: S308 - input is sanitised HTML; only <a> tags are added


@register.simple_tag
def number_field_link(value: str, kind: str = "call") -> SafeString:
    """A directory field holding a number: its placeholder's link from the list, or the number as typed, linked."""
    item = resolve(value)
    if item is not None:
        return format_html('<a class="govuk-link app-tel" href="{}">{}</a>', item.href, item.number)
    digits = "".join(ch for ch in value if ch.isdigit() or ch == "+")
    return format_html(
        '<a class="govuk-link app-tel" href="{}:{}">{}</a>', "sms" if kind == "text" else "tel", digits, value
    )
