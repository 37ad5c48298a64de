"""``{% address 'diary:list' %}``: the address of a page that takes no arguments, worked out once per process.

The same as ``{% url 'diary:list' %}`` (escaped the same way), without walking the URLconf on every
use: a signed-in page links a dozen such pages. Loaded on every template (settings' ``builtins``);
addresses with arguments still use ``{% url %}``.
"""

from __future__ import annotations

from django import template

from mysupportspace import addresses

register = template.Library()


@register.simple_tag
def address(url_name: str) -> str:
    return addresses.address(url_name)
