"""The rights timeline panel on "Your space", and the "what happened" rows in settings."""

from __future__ import annotations

from typing import Any

from django import template

from pages.home_summary import home_summary
from situation import services
from situation.models import CaseDates, WhatHappened

register = template.Library()


@register.inclusion_tag("situation/_home_panel.html", takes_context=True)
def situation_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    answer = home_summary(request).what_happened
    cases = list(CaseDates.objects.filter(user=request.user))
    return {
        "next_deadline": services.next_deadline_in(cases, crime_types=answer.tailoring_types if answer else []),
        "case_count": len(cases),
        "told_us": bool(answer and not answer.is_empty),
    }


@register.inclusion_tag("situation/_settings.html", takes_context=True)
def situation_settings(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    answer = WhatHappened.objects.filter(user=user).first()
    return {
        "labels": answer.crime_type_labels() if answer else [],
        "reported": answer.get_reported_display() if answer and answer.reported else "",
        "case_count": CaseDates.objects.filter(user=user).count(),
    }
