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
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from guides.models import SavedItem
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


def _load(user: Any) -> HomeSummary:
    saved = SavedItem.objects.filter(user=OuterRef("pk")).order_by().values("user").annotate(n=Count("pk")).values("n")
    latest_check = ImpactCheck.objects.filter(user=OuterRef("pk")).order_by("-created_at", "-pk").values("created_at")
    silvercloud = Handoff.objects.filter(user=OuterRef("pk"), destination=Destination.SILVERCLOUD).order_by(
        "-created_at", "-pk"
    )
    row: Any = (
        get_user_model()
        ._default_manager.filter(pk=user.pk)
        .select_related("what_happened")
        .annotate(
            _saved_count=Coalesce(Subquery(saved), 0),
            _latest_check_at=Subquery(latest_check[:1]),
            **{f"_silvercloud_{name}": Subquery(silvercloud.values(name)[:1]) for name in _HANDOFF_FIELDS},
        )
        .get()
    )
    handoff = None
    if row._silvercloud_pk is not None:
        handoff = Handoff(
            user_id=user.pk,
            destination=Destination.SILVERCLOUD,
            **{name: getattr(row, f"_silvercloud_{name}") for name in _HANDOFF_FIELDS},
        )
    try:
        what_happened = row.what_happened
    except WhatHappened.DoesNotExist:
        what_happened = None
    return HomeSummary(
        saved_count=row._saved_count,
        latest_check_at=row._latest_check_at,
        what_happened=what_happened,
        silvercloud=handoff,
    )
