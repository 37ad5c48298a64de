from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import AppConfig


def check_area_teams() -> None:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from referrals.police_areas import AREA_NAMES

    unknown = sorted(set(settings.REFERRALS_AREA_TEAM_EMAILS) - set(AREA_NAMES))
    if unknown:
        raise ImproperlyConfigured(
            f"REFERRALS_AREA_TEAM_EMAILS names unknown police force areas {unknown}: see referrals/police_areas.py."
        )


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from accounts import registry
        from referrals import directory, hours, services  # noqa: F401 - directory listens for editors' saves

        # Bad service hours or area names stop start-up, like any other malformed setting.
        hours.service_hours()
        check_area_teams()
        registry.register_export("referrals", services.export_for)
        registry.register_erasure("referrals", services.erase_for)

    def load_content(self, fixtures_dir: Path, stdout: Any) -> None:
        """Partner organisations from fixtures/partners.toml, updated in place by slug."""
        from referrals.directory import load_partners

        path = fixtures_dir / "partners.toml"
        if path.exists():
            added, updated, unchanged = load_partners(path)
            stdout.write(f"Partner organisations: {added} added, {updated} updated, {unchanged} unchanged.")
