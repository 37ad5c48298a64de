"""Background work, run by `manage.py db_worker`. Arguments are ids only: no personal details
sit in the task queue."""

from __future__ import annotations

from django_tasks import task

from referrals import emails, services


@task()
def deliver_handoff(handoff_id: int) -> str:
    return services.attempt_delivery(handoff_id=handoff_id)


@task()
def tell_team_about_new_request() -> None:
    emails.send_new_request_notice()
