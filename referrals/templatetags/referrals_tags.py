from __future__ import annotations

from typing import Any

from django import template

from referrals.models import Destination, Handoff, ImpactCheck, SupportRequest, is_caseworker

register = template.Library()


@register.inclusion_tag("referrals/_support_panel.html", takes_context=True)
def support_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The person's home page panel: the impact check, and where their requests have got to."""
    user = context["request"].user
    return {
        "latest_check": ImpactCheck.objects.filter(user=user).only("created_at").first(),
        "open_requests": list(SupportRequest.objects.filter(user=user).open().prefetch_related("handoffs")[:3]),
        "silvercloud": Handoff.objects.filter(user=user, destination=Destination.SILVERCLOUD).first(),
        "is_caseworker": is_caseworker(user),
    }
