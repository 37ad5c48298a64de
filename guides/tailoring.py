"""Putting first what fits the person: what happened to them (if they said), then their role.

Editors tag topics and guides with the crime types they help with (``crime_types``); a guide
helps with its own tags and its topic's. Ordering is done in Python over the published guides,
which are few (tens) and kept per process (guides/catalogue.py), so every page costs the same
queries whatever a person told us.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from guides import catalogue
from guides.models import Audience, Guide, Topic, audiences_for_role, own_audience


def _role(user: Any) -> str | None:
    return user.role if user and user.is_authenticated else None


def guide_sort_key(guide: Guide, *, crime_types: Iterable[str], prefer: str) -> tuple[int, int, int, int, str]:
    """Guides for what happened first, then those for the ``prefer`` audience, then the editors' order."""
    matches = bool(guide.helps_with() & set(crime_types))
    return (0 if matches else 1, 0 if guide.audience == prefer else 1, guide.topic.order, guide.order, guide.title)


def suggested_guides(
    *, user: Any, crime_types: list[str], limit: int, coping_first: bool = False, exclude: Collection[int] = ()
) -> list[Guide]:
    """A few guides for this person.

    ``coping_first`` (the impact check's results) puts the general coping guides straight after the
    guides for what happened; otherwise the guides written for the person's role come next.
    Supporters always get the guides on supporting someone before anything general.
    """
    role = _role(user)
    prefer = own_audience(role)
    if coping_first and prefer == Audience.VICTIM:
        prefer = Audience.EVERYONE
    signed_in = bool(user and user.is_authenticated)
    audiences = set(audiences_for_role(role))
    guides = [
        guide
        for guide in catalogue.published_guides()
        if guide.audience in audiences and (signed_in or not guide.members_only) and guide.pk not in exclude
    ]
    ordered = sorted(guides, key=lambda guide: guide_sort_key(guide, crime_types=crime_types, prefer=prefer))
    return ordered[:limit]


def supporter_guides(*, user: Any, limit: int) -> list[Guide]:
    """The guides written for supporters, in the editors' order, whatever the person's own role."""
    guides = Guide.objects.visible_to(user).filter(audience=Audience.SUPPORTER).select_related("topic")
    return list(guides.order_by("topic__order", "order", "title")[:limit])


def order_topics(topics: list[Topic], *, user: Any, crime_types: list[str]) -> list[Topic]:
    """Topics for what happened first (each marked ``suggested``), then those for the person's role."""
    role = _role(user)
    prefer = own_audience(role) if role else None
    wanted = set(crime_types)
    for topic in topics:
        topic.suggested = bool(wanted & set(topic.crime_types))  # type: ignore[attr-defined]
    return sorted(
        topics,
        key=lambda topic: (not topic.suggested, prefer is not None and topic.audience != prefer),  # type: ignore[attr-defined]
    )
