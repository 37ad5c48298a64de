from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "Guides and rights"

    def ready(self) -> None:
        from accounts import registry
        from guides import catalogue, services  # noqa: F401 - catalogue listens for editors' saves

        # Progress, answers and saved items hang off the user row with on_delete=CASCADE,
        # so deleting the account removes them: no eraser is needed.
        registry.register_export("guides", services.export_for)

    def load_content(self, fixtures_dir: Path, stdout: Any) -> None:
        from guides import services

        services.load_shipped_content(fixtures_dir=fixtures_dir, stdout=stdout)
