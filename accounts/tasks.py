"""Background work for accounts, run by `manage.py db_worker`. Arguments are ids only."""

from __future__ import annotations

from django_tasks import task

from accounts import emails


@task()
def send_queued_email(queued_email_id: int) -> None:
    emails.send_queued(queued_email_id)
