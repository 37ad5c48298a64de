from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from encryption import crypto


class Command(BaseCommand):
    help = "Print a new diary key as id:base64key, to put first in DIARY_KEYRING (then run rotate_diary_keys)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(crypto.new_key_entry())
