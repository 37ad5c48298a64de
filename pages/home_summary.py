"""What the person's home page shows from several apps, read in one query.

The panels on "Your space" (guides, the rights timeline, the support panel) each asked for one
small thing of their own: the saved count, what happened, the latest impact check, the SilverCloud
hand-off. Here they come in one query on the person's own row, made once per request and shared by
the panels (each panel's template tag reads it from the request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from guides.models import SavedItem
from mysupportspace.compiled import CompiledQuery
from referrals.models import Destination, Handoff, ImpactCheck
from situation.models import WhatHappened

_REQUEST_ATTRIBUTE = "_home_summary"
_HANDOFF_FIELDS = ("pk", "status", "attempts", "resolved_at", "created_at")


@dataclass(frozen=True)
class HomeSummary:
    saved_count: int
    latest_check_at: datetime | None
    what_happened: WhatHappened | None
    silvercloud: Handoff | None


def home_summary(request: HttpRequest) -> HomeSummary:
    """The summary for the signed-in person making this request (one query, then kept on the request)."""
    summary = getattr(request, _REQUEST_ATTRIBUTE, None)
    if summary is None:
        summary = _load(request.user)
        setattr(request, _REQUEST_ATTRIBUTE, summary)
    return summary


def _build(user_id: int) -> QuerySet[Any]:
    saved = SavedItem.objects.filter(user=OuterRef("pk")).order_by().values("user").annotate(n=Count("pk")).values("n")
    latest_check = ImpactCheck.objects.filter(user=OuterRef("pk")).order_by("-created_at", "-pk").values("created_at")
    silvercloud = Handoff.objects.filter(user=OuterRef("pk"), destination=Destination.SILVERCLOUD).order_by(
        "-created_at", "-pk"
    )
    return (
        get_user_model()
        ._default_manager.filter(pk=user_id)
        .annotate(
            _saved_count=Coalesce(Subquery(saved), 0),
            _latest_check_at=Subquery(latest_check[:1]),
            **{f"_silvercloud_{name}": Subquery(silvercloud.values(name)[:1]) for name in _HANDOFF_FIELDS},
        )
        .values_list(
            "_saved_count",
            "_latest_check_at",
            *(f"_silvercloud_{name}" for name in _HANDOFF_FIELDS),
            *(f"what_happened__{field.name}" for field in _WHAT_HAPPENED_FIELDS),
        )
    )


_WHAT_HAPPENED_FIELDS = WhatHappened._meta.concrete_fields
# Built once per process: building this query took five times as long as running it.
_QUERY = CompiledQuery(_build, arguments=1)


def _load(user: Any) -> HomeSummary:
    row = next(iter(_QUERY.rows(user.pk)))
    saved_count, latest_check_at = row[0], row[1]
    handoff_values = row[2 : 2 + len(_HANDOFF_FIELDS)]
    what_happened_values = row[2 + len(_HANDOFF_FIELDS) :]
    handoff = None
    if handoff_values[0] is not None:
        handoff = Handoff(
            user_id=user.pk,
            destination=Destination.SILVERCLOUD,
            **dict(zip(_HANDOFF_FIELDS, handoff_values, strict=True)),
        )
    what_happened = None
    if what_happened_values[0] is not None:
        what_happened = WhatHappened(
            **{field.attname: value for field, value in zip(_WHAT_HAPPENED_FIELDS, what_happened_values, strict=True)}
        )
        what_happened._state.adding = False
    return HomeSummary(
        saved_count=saved_count, latest_check_at=latest_check_at, what_happened=what_happened, silvercloud=handoff
    )
