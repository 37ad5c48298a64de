"""Load the content that ships with the service from fixtures/.

Safe to run again: each app's loader updates what is there by its stable key (a slug)
rather than adding copies. Apps join by giving their AppConfig a
``load_content(fixtures_dir, stdout)`` method; plain Django fixtures (fixtures/*.json)
are loaded too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the shipped content (topics, guides, rights pages, partner organisations) from fixtures/."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--fixtures-dir", default=str(settings.BASE_DIR / "fixtures"))

    def handle(self, *args: Any, fixtures_dir: str, **options: Any) -> None:
        directory = Path(fixtures_dir)
        with transaction.atomic():
            for fixture in sorted(directory.glob("*.json")):
                call_command("loaddata", str(fixture), verbosity=0)
                self.stdout.write(f"Loaded {fixture.name}")
            for config in apps.get_app_configs():
                loader = getattr(config, "load_content", None)
                if callable(loader):
                    loader(directory, self.stdout)
        self.stdout.write(self.style.SUCCESS("Content is up to date."))
