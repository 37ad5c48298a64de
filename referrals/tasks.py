"""Background work, run by `manage.py db_worker`. Arguments are ids only: no personal details
sit in the task queue."""

from __future__ import annotations

from django_tasks import task

from referrals import emails, services
from referrals.models import SupportRequest


@task()
def deliver_handoff(handoff_id: int) -> str:
    return services.attempt_delivery(handoff_id=handoff_id)


@task()
def tell_team_about_new_request(request_id: int | None = None) -> None:
    support_request = SupportRequest.objects.filter(pk=request_id).first() if request_id else None
    emails.send_new_request_notice(support_request)
