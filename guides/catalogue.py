"""Published guides, and other pages drawn only from editors' content, kept in each process between
editors' changes.

A guide step is the page people open most. Its guide, topic and steps change only when an editor
saves, so each process keeps what it read, tagged with the content version held in the shared
cache (Redis in production). Every save or delete of a topic, guide or step, and the admin's bulk
"return to draft", sets a new version once its transaction has committed, and every process reads
the content again on its next request (each process asks the shared cache for the version at
most once every ``VERSION_CHECK_SECONDS``, so another process's change shows within a second and
a guide step costs no round trip to Redis). Entries also expire after ``CONTENT_CACHE_SECONDS``: a
backstop for a version that could not be set (the shared cache down during an edit). While the
shared cache cannot be read, every request reads the database.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from guides.models import Guide, Step, Topic

logger = logging.getLogger(__name__)

T = TypeVar("T")

VERSION_KEY = "guides:content-version"
# How long a process trusts the version it last read before asking the shared cache again.
VERSION_CHECK_SECONDS = 1.0
# (the version last read, monotonic time until which it is trusted)
_checked: tuple[str, float] | None = None
# slug -> (content version, monotonic deadline, the guide with its topic and steps)
_kept: dict[str, tuple[str, float, Guide]] = {}
# every published guide with its topic, in the editors' order, under the key "all"
_lists: dict[str, tuple[str, float, list[Guide]]] = {}
# (what, key) -> (content version, monotonic deadline, value): anything else drawn from editors'
# content only (the partner directory's pages), kept under the same version
_drawn: dict[str, dict[Hashable, tuple[str, float, Any]]] = {}
# A bound on each kind of thing in ``_drawn``: keys come from addresses people can make up, and
# made-up directory pages must not push the guide steps out.
DRAWN_KEPT = 1000


def _version() -> str | None:
    global _checked
    now = time.monotonic()
    if _checked is not None and now < _checked[1]:
        return _checked[0]
    version = _read_version()
    _checked = (version, now + VERSION_CHECK_SECONDS) if version is not None else None
    return version


def _read_version() -> str | None:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY)
        return str(version) if version is not None else None
    except Exception:
        return None


def _load(slug: str) -> Guide | None:
    guides = Guide.objects.published().select_related("topic").prefetch_related("steps")
    return guides.filter(slug=slug).first()


def published_guide(slug: str) -> Guide | None:
    """The published guide with this slug, its topic and steps loaded; None if there is none.

    The same objects serve every request of this process until the content changes: read them, never
    change them. Whether this person may open it (members-only guides) is the caller's check.
    """
    version = _version()
    if version is None:
        return _load(slug)
    kept = _kept.get(slug)
    if kept is not None and kept[0] == version and kept[1] > time.monotonic():
        return kept[2]
    guide = _load(slug)
    if guide is not None:  # only real guides are kept, so made-up addresses cannot fill the memory
        _kept[slug] = (version, time.monotonic() + settings.CONTENT_CACHE_SECONDS, guide)
    else:
        _kept.pop(slug, None)
    return guide


def published_guides() -> list[Guide]:
    """Every published guide with its topic and steps, members-only ones included (the caller decides who sees
    what), in the editors' order. Shared like ``published_guide``: read only."""
    version = _version()
    if version is None:
        return _load_all()
    kept = _lists.get("all")
    if kept is not None and kept[0] == version and kept[1] > time.monotonic():
        return kept[2]
    guides = _load_all()
    _lists["all"] = (version, time.monotonic() + settings.CONTENT_CACHE_SECONDS, guides)
    return guides


def _load_all() -> list[Guide]:
    guides = Guide.objects.published().select_related("topic").prefetch_related("steps")
    return list(guides.order_by("topic__order", "order", "title"))


def kept(what: str, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, kept in this process until editors change any content (or ``CONTENT_CACHE_SECONDS``).

    Only for what depends on nothing but published content and ``key``: never a person or a request.
    """
    version = _version()
    if version is None:
        return build()
    drawn = _drawn.setdefault(what, {})
    entry = drawn.get(key)
    if entry is not None and entry[0] == version and entry[1] > time.monotonic():
        return entry[2]  # type: ignore[no-any-return]
    value = build()
    if len(drawn) < DRAWN_KEPT or key in drawn:
        drawn[key] = (version, time.monotonic() + settings.CONTENT_CACHE_SECONDS, value)
    return value


def _forget() -> None:
    global _checked
    _checked = None
    _kept.clear()
    _lists.clear()
    _drawn.clear()


def content_changed() -> None:
    """This process forgets the guides now; every process does once the transaction has committed.

    The new version is set only after the commit: set before it, another process could read the old
    rows again and keep them under the new version.
    """

    def new_version() -> None:
        _forget()
        try:
            cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:
            logger.warning(
                "The guides' content version could not be set; other processes catch up within %s s",
                settings.CONTENT_CACHE_SECONDS,
            )

    _forget()
    transaction.on_commit(new_version)


@receiver(setting_changed)
def _on_setting_changed(**kwargs: Any) -> None:
    _forget()


@receiver(post_save, sender=Topic)
@receiver(post_save, sender=Guide)
@receiver(post_save, sender=Step)
@receiver(post_delete, sender=Topic)
@receiver(post_delete, sender=Guide)
@receiver(post_delete, sender=Step)
def _on_content_saved(**kwargs: Any) -> None:
    content_changed()
