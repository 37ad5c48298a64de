from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from chat import services


class Command(BaseCommand):
    help = (
        "Delete chat transcripts, wrap-ups and blocks older than CHAT_RETENTION_DAYS, and end waits nobody "
        "is still on. Meant for cron; running it twice deletes nothing twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = services.purge_expired_chats()
        if options["verbosity"]:
            self.stdout.write(
                f"Chats older than {settings.CHAT_RETENTION_DAYS} days: {purged.conversations} deleted, "
                f"{purged.blocks} blocks removed."
            )
