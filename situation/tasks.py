"""Background work for the rights timeline, run by `manage.py db_worker`. Arguments are ids only."""

from __future__ import annotations

from django_tasks import task

from situation import services


@task()
def send_timeline_reminder(reminder_id: int) -> bool:
    return services.send_reminder(reminder_id=reminder_id)
