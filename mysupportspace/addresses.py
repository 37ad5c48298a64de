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

# No real id is this long; an <int:pk> converter takes it as it is.
_STAND_IN = 918273645546372819
_kept: dict[tuple[str, str, str], str] = {}
_with_id: dict[tuple[str, str, str], tuple[str, str]] = {}
# A slug as Django's <slug:> converter matches it: nothing in it is quoted when it is reversed.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_STAND_IN_SLUG = "zq-stand-in-slug-7301"
_with_slug: dict[tuple[str, str, str], tuple[str, str]] = {}


def _key(url_name: str) -> tuple[str, str, str]:
    return (url_name, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))


def address(url_name: str) -> str:
    """``reverse(url_name)`` for a URL without arguments."""
    key = _key(url_name)
    found = _kept.get(key)
    if found is None:
        found = _kept[key] = reverse(url_name)
    return found


def address_with_id(url_name: str, pk: int) -> str:
    """``reverse(url_name, kwargs={"pk": pk})`` for a URL whose one argument is an integer ``pk``."""
    key = _key(url_name)
    parts = _with_id.get(key)
    if parts is None:
        before, stand_in, after = reverse(url_name, kwargs={"pk": _STAND_IN}).rpartition(str(_STAND_IN))
        if not stand_in:
            raise ValueError(f"{url_name} does not take an integer pk")
        parts = _with_id[key] = (before, after)
    return f"{parts[0]}{int(pk)}{parts[1]}"


def address_with_slug(url_name: str, slug: str) -> str:
    """``reverse(url_name, kwargs={"slug": slug})`` for a URL whose one argument is a ``slug``."""
    if not _SLUG.fullmatch(slug):
        return reverse(url_name, kwargs={"slug": slug})  # let reverse() refuse or quote it
    key = _key(url_name)
    parts = _with_slug.get(key)
    if parts is None:
        before, stand_in, after = reverse(url_name, kwargs={"slug": _STAND_IN_SLUG}).rpartition(_STAND_IN_SLUG)
        if not stand_in:
            raise ValueError(f"{url_name} does not take a slug")
        parts = _with_slug[key] = (before, after)
    return f"{parts[0]}{slug}{parts[1]}"


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    _kept.clear()
    _with_id.clear()
    _with_slug.clear()
