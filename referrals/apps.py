from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from accounts import registry
        from referrals import hours, services

        # Bad service hours stop start-up, like any other malformed setting.
        hours.service_hours()
        registry.register_export("referrals", services.export_for)
        registry.register_erasure("referrals", services.erase_for)

    def load_content(self, fixtures_dir: Path, stdout: Any) -> None:
        """Partner organisations from fixtures/partners.toml, updated in place by slug."""
        from referrals.directory import load_partners

        path = fixtures_dir / "partners.toml"
        if path.exists():
            added, updated, unchanged = load_partners(path)
            stdout.write(f"Partner organisations: {added} added, {updated} updated, {unchanged} unchanged.")
