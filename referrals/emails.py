"""Emails to the caseworker team. Neutral like every email here: no names, no details, no
mention of crime or support, because an inbox may be seen by someone else."""

from __future__ import annotations

import logging

from django.conf import settings

from accounts.emails import build
from referrals.models import Handoff

logger = logging.getLogger(__name__)


def send_new_request_notice() -> None:
    _send("referrals-new-request", {})


def send_handoff_failed_notice(handoff: Handoff) -> None:
    _send("referrals-handoff-failed", {"reference": handoff.reference})


def _send(name: str, context: dict[str, str]) -> None:
    recipients = settings.REFERRALS_TEAM_EMAILS
    if not recipients:
        logger.warning("No REFERRALS_TEAM_EMAILS set: the team was not told (%s).", name)
        return
    for address in recipients:
        try:
            build(name, address, {"service_name": settings.SERVICE_NAME, **context}).send()
        except OSError:
            # The queue page shows the same thing; a mail outage must not undo the work around it.
            logger.exception("Could not send %s to the team.", name)
