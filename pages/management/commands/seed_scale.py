"""Fill an empty database with synthetic people, diaries, guide progress and requests (pages.seeding).

    manage.py seed_scale --users 100000 --entries 1000000

On PostgreSQL the rows stream in with COPY, in one transaction, then the tables are analysed.

Person N signs in as personN@seed.example.org with the shared seed password and the code from
pages.seeding.seed_code(N); caseworkerN@seed.example.org likewise, with kind="caseworker".
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pages import seeding


class Command(BaseCommand):
    help = "Fill an empty database with synthetic people, diary entries, guide progress and requests."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--users", type=int, default=1000)
        parser.add_argument("--entries", type=int, default=10_000, help="diary entries, shared out round robin")
        parser.add_argument("--progress", type=int, default=None, help="guide progress rows (default: one a person)")
        parser.add_argument("--requests", type=int, default=None, help="support requests (default: one per 10)")
        parser.add_argument("--caseworkers", type=int, default=2)
        parser.add_argument(
            "--batch", type=int, default=2000, help="rows an INSERT batch (not on PostgreSQL, which streams with COPY)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        users = options["users"]
        try:
            counts = seeding.seed_scale(
                users=users,
                entries=options["entries"],
                progress=users if options["progress"] is None else options["progress"],
                requests=users // 10 if options["requests"] is None else options["requests"],
                caseworkers=options["caseworkers"],
                batch=options["batch"],
                report=lambda line: self.stdout.write(line) if options["verbosity"] > 1 else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Seeded {counts.users} people, {counts.caseworkers} caseworkers, {counts.entries} diary entries, "
            f"{counts.progress} guide progress rows and {counts.requests} requests "
            f"in {time.monotonic() - started:.1f} s."
        )
