from __future__ import annotations

from typing import Any

from django import template

from mysupportspace.compiled import CompiledQuery
from pages.home_summary import home_summary
from referrals.models import SupportRequest, is_caseworker

register = template.Library()

# The person's three latest open requests, each with whether a hand-off is on its way: built once
# per process (its SQL took longer to build than to run).
_OPEN_REQUESTS = CompiledQuery(
    lambda user_id: SupportRequest.objects.filter(user=user_id).open().with_handoff_in_flight()[:3], arguments=1
)


@register.inclusion_tag("referrals/_support_panel.html", takes_context=True)
def support_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The person's home page panel: the impact check, and where their requests have got to."""
    request = context["request"]
    user = request.user
    summary = home_summary(request)
    return {
        "latest_check_at": summary.latest_check_at,
        "open_requests": list(_OPEN_REQUESTS.instances(user.pk)),
        "silvercloud": summary.silvercloud,
        "is_caseworker": is_caseworker(user),
    }
