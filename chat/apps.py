from __future__ import annotations

from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        from django.conf import settings

        from accounts import registry
        from chat import hours, services
        from encryption import checks, crypto

        # Bad chat hours, or a malformed keyring, stop start-up like any other malformed setting.
        hours.chat_hours()
        if settings.DIARY_KEYRING:
            crypto.parse_keyring(settings.DIARY_KEYRING)
        checks.register()
        # Chats a person chose to keep are linked to their account (on_delete=CASCADE), so deleting
        # the account removes them; no other chat is ever linked to an account.
        registry.register_export("chat", services.export_for)
