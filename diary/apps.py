from __future__ import annotations

from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "diary"
    verbose_name = "Diary"

    def ready(self) -> None:
        from django.conf import settings

        from accounts import registry
        from diary import services
        from encryption import checks, crypto

        # A keyring that is set but malformed stops start-up here, with a message that names no key.
        if settings.DIARY_KEYRING:
            crypto.parse_keyring(settings.DIARY_KEYRING)
        checks.register()
        # Entries, the feelings list and kept drafts all go with the user row (on_delete=CASCADE),
        # so the diary needs no eraser of its own.
        registry.register_export("diary", services.export_for)
