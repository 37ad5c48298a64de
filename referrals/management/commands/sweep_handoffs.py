"""Queue again any hand-off that should have been delivered by now.

Run it every few minutes (cron, a systemd timer); `make run` runs it once at start. It catches
hand-offs whose task was lost: the worker was down when it was due, or died part-way through.
Running it when nothing is overdue does nothing; running it twice never sends anything twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from referrals import services


class Command(BaseCommand):
    help = "Queue again any hand-off that is overdue for delivery."

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.requeue_overdue_handoffs()
        if options["verbosity"] > 0:
            self.stdout.write(f"Queued {count} overdue hand-off{'s' if count != 1 else ''} again.")
