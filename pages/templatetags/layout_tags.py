"""The page shell's parts that are the same on every page, drawn once per process.

The shell (exit button, header, navigation, footer) was about a millisecond of every page: the
template engine looking the same names up and reversing the same URLs again and again. What in it
depends only on settings and the URLconf is drawn once and kept; the navigation is kept for each
set of items a person can see (a handful); anything that changes per request (the CSRF token, the
CSP nonce, messages) stays outside these tags.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import UNKNOWN_SOURCE
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe

from pages.navigation import NavItem

register = template.Library()

# (template, place in it, script prefix, URLconf) -> the text a {% fixed %} block drew
_fixed: dict[tuple[str, int, str, str], SafeString] = {}
# (items, script prefix) -> the navigation's list items
_navigation: dict[tuple[tuple[NavItem, ...], str], SafeString] = {}
# Only real combinations are kept (audiences x current section): far fewer than this.
NAVIGATION_KEPT = 256


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    _fixed.clear()
    _navigation.clear()


class FixedNode(template.Node):
    # What is inside is never searched for {% block %}s: Django's {% extends %} walks the whole base
    # template for them on every page, and a fixed part holds none.
    child_nodelists = ()

    def __init__(self, nodelist: template.NodeList, place: tuple[str, int] | None) -> None:
        self.nodelist = nodelist
        # Which template and which of its {% fixed %} blocks, not the node's identity: templates are
        # compiled again when they are not kept (DEBUG), and a new node must find the same text.
        # None for a template made from a string, which has no name to tell it apart: drawn each time.
        self.place = place

    def render(self, context: template.Context) -> str:
        if self.place is None:
            return self.nodelist.render(context)
        key = (*self.place, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
        text = _fixed.get(key)
        if text is None:
            text = _fixed[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 - the engine escaped it
        return text


@register.tag
def fixed(parser: template.base.Parser, token: template.base.Token) -> FixedNode:
    """``{% fixed %}...{% endfixed %}``: drawn the first time, then the same text for every request.

    Only for markup that depends on nothing but settings and URLs (``{% url %}``, ``{% static %}``,
    ``{% service_number %}``, ``service_name``): never a person, a form, a token or a nonce.
    """
    origin = getattr(parser, "origin", None)
    count = getattr(parser, "fixed_blocks", 0)
    parser.fixed_blocks = count + 1  # type: ignore[attr-defined]
    name = getattr(origin, "name", UNKNOWN_SOURCE)
    place = (str(name), count) if name != UNKNOWN_SOURCE else None
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist, place)


@register.simple_tag
def navigation_items(items: list[NavItem]) -> SafeString:
    """The main navigation's items, drawn once for each combination of items and current section."""
    key = (tuple(items), get_script_prefix())
    text = _navigation.get(key)
    if text is None:
        text = mark_safe(render_to_string("_navigation_items.html", {"items": items}))  # noqa: S308 - escaped by the engine
        if len(_navigation) < NAVIGATION_KEPT:
            _navigation[key] = text
    return text
