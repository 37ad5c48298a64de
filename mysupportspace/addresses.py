"""URLs worked out once per process rather than on every use.

``reverse()`` walks the URLconf each time; a page that links twenty diary entries or every menu
item spent a tenth of its time there. Addresses do not change while a process runs (the same
URLconf, the same script prefix), so each is reversed once and kept; for addresses with an id,
once with a stand-in id that is then replaced. A changed setting (tests override ROOT_URLCONF)
forgets them all.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

# Stand-ins no real value is: an <int:pk> converter and a <slug:> one take them as they are.
_STAND_INS = {"pk": "918273645546372819", "slug": "zq-stand-in-slug-7301"}
# A slug as Django's <slug:> converter matches it: nothing in it is quoted when it is reversed.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_kept: dict[tuple[str, str, str], str] = {}
# (argument, URL name, script prefix, URLconf) -> the address before and after the argument
_around: dict[tuple[str, str, str, str], tuple[str, str]] = {}


def _key(url_name: str) -> tuple[str, str, str]:
    return (url_name, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))


def address(url_name: str) -> str:
    """``reverse(url_name)`` for a URL without arguments."""
    key = _key(url_name)
    found = _kept.get(key)
    if found is None:
        found = _kept[key] = reverse(url_name)
    return found


def _with_argument(url_name: str, argument: str, value: str) -> str:
    """``reverse(url_name, kwargs={argument: value})``, reversed once with a stand-in that ``value`` replaces."""
    key = (argument, *_key(url_name))
    parts = _around.get(key)
    if parts is None:
        stand_in = _STAND_INS[argument]
        before, found, after = reverse(url_name, kwargs={argument: stand_in}).rpartition(stand_in)
        if not found:
            raise ValueError(f"{url_name} does not take a {argument}")
        parts = _around[key] = (before, after)
    return f"{parts[0]}{value}{parts[1]}"


def address_with_id(url_name: str, pk: int) -> str:
    """``reverse(url_name, kwargs={"pk": pk})`` for a URL whose one argument is an integer ``pk``."""
    return _with_argument(url_name, "pk", str(int(pk)))


def address_with_slug(url_name: str, slug: str) -> str:
    """``reverse(url_name, kwargs={"slug": slug})`` for a URL whose one argument is a ``slug``."""
    if not _SLUG.fullmatch(slug):
        return reverse(url_name, kwargs={"slug": slug})  # let reverse() refuse or quote it
    return _with_argument(url_name, "slug", slug)


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    _kept.clear()
    _around.clear()
