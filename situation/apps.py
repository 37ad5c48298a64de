from __future__ import annotations

from django.apps import AppConfig


class SituationConfig(AppConfig):
    name = "situation"
    verbose_name = "What happened and your rights timeline"

    def ready(self) -> None:
        from accounts import registry
        from situation import services

        # What happened, the dates and the reminders all hang off the user row with
        # on_delete=CASCADE, so deleting the account removes them: no eraser is needed.
        registry.register_export("what_happened_and_timeline", services.export_for)
