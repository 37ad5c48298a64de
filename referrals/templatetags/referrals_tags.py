from __future__ import annotations

from typing import Any

from django import template

from pages.home_summary import home_summary
from referrals.models import SupportRequest, is_caseworker

register = template.Library()


@register.inclusion_tag("referrals/_support_panel.html", takes_context=True)
def support_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The person's home page panel: the impact check, and where their requests have got to."""
    request = context["request"]
    user = request.user
    summary = home_summary(request)
    return {
        "latest_check_at": summary.latest_check_at,
        "open_requests": list(SupportRequest.objects.filter(user=user).open().with_handoff_in_flight()[:3]),
        "silvercloud": summary.silvercloud,
        "is_caseworker": is_caseworker(user),
    }
