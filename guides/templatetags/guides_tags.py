"""The guides panel on a person's home page, and showing editor-written HTML safely."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Role
from guides.models import Guide, GuideProgress, SavedItem, Step
from guides.rendering import sanitise
from guides.tailoring import suggested_guides
from situation.services import crime_types_for

register = template.Library()

PANEL_ROWS = 3


@register.filter
def sanitised(html: str) -> SafeString:
    """Stored HTML, sanitised once more as it is shown (it was sanitised when saved too)."""
    return mark_safe(sanitise(html or ""))  # noqa: S308 - nh3 has just removed anything unsafe


@register.inclusion_tag("guides/_home_panel.html", takes_context=True)
def guides_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Continue where you left off, guides suggested for what happened and the person's role, and things
    that help them. Five queries whatever the number of guides or progress rows.
    """
    user = context["request"].user
    visible = Guide.objects.visible_to(user)
    in_progress = list(
        GuideProgress.objects.filter(user=user, completed_at__isnull=True, guide__in=visible)
        .select_related("guide")
        .prefetch_related(Prefetch("guide__steps", queryset=Step.objects.only("pk", "order", "guide_id")))
        .order_by("-updated")[:PANEL_ROWS]
    )
    continuing = []
    for progress in in_progress:
        steps = progress.guide.ordered_steps()
        step = progress.resume_step(steps)
        if step is None:
            continue
        number = steps.index(step) + 1
        continuing.append(
            {
                "guide": progress.guide,
                "number": number,
                "total": len(steps),
                "url": reverse("guides:step", kwargs={"slug": progress.guide.slug, "number": number}),
            }
        )
    crime_types = crime_types_for(user)
    recommended = suggested_guides(user=user, crime_types=crime_types, limit=PANEL_ROWS, exclude_started=True)
    return {
        "continuing": continuing,
        "recommended": recommended,
        "tailored": bool(crime_types),
        "is_witness": user.role == Role.WITNESS,
        "saved_count": SavedItem.objects.filter(user=user).count(),
        "is_supporter": user.is_supporter,
    }
