"""Emails to the caseworker team, and the one neutral update notice to a person. Neutral like
every email here: no names, no details, no mention of crime or support, because an inbox may
be seen by someone else."""

from __future__ import annotations

import logging

from django.conf import settings

from accounts.emails import build
from referrals.models import Handoff, SupportRequest

logger = logging.getLogger(__name__)


def team_for_area(area: str) -> list[str]:
    """The whole team (REFERRALS_TEAM_EMAILS), and also the team covering the request's police force area
    (REFERRALS_AREA_TEAM_EMAILS): an area's address adds local eyes, it never takes a request out of sight
    of the team that answers for the whole queue. Each address once."""
    area_team = settings.REFERRALS_AREA_TEAM_EMAILS.get(area, []) if area else []
    return list(dict.fromkeys([*settings.REFERRALS_TEAM_EMAILS, *area_team]))


def send_new_request_notice(support_request: SupportRequest | None = None) -> None:
    area = support_request.area if support_request is not None else ""
    _send("referrals-new-request", {}, recipients=team_for_area(area))


def send_handoff_failed_notice(handoff: Handoff, *, refused: bool = False) -> None:
    """``refused``: the receiving system answered that it will not take it (4xx), as opposed to running out of tries."""
    _send(
        "referrals-handoff-failed",
        {"reference": handoff.reference, "refused": refused, "attempts": handoff.attempts},
        recipients=list(settings.REFERRALS_TEAM_EMAILS),
    )


def send_update_notice(address: str) -> None:
    """ "There is an update in your account": sent only where the person said email is safe."""
    try:
        build("referrals-update", address, {"service_name": settings.SERVICE_NAME}).send()
    except OSError:
        logger.exception("Could not send an update notice.")


def _send(name: str, context: dict[str, object], *, recipients: list[str]) -> None:
    if not recipients:
        logger.warning("No REFERRALS_TEAM_EMAILS set: the team was not told (%s).", name)
        return
    for address in recipients:
        try:
            build(name, address, {"service_name": settings.SERVICE_NAME, **context}).send()
        except OSError:
            # The queue page shows the same thing; a mail outage must not undo the work around it.
            logger.exception("Could not send %s to the team.", name)
