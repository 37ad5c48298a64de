"""Create a staff account (caseworker, content editor or administrator) ready to sign in.

The email address is marked as confirmed (staff are vouched for), and the person sets up
two-factor at their first sign-in, like everyone else.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Create a staff account. Two-factor is set up at first sign-in."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--superuser", action="store_true", help="Full access to the admin.")
        parser.add_argument("--group", action="append", default=[], help="e.g. Caseworkers or 'Content editors'.")
        parser.add_argument("--password", help="Prompted for when left out.")

    def handle(
        self, *args: Any, email: str, superuser: bool, group: list[str], password: str | None, **options: Any
    ) -> None:
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"There is already an account for {email}.")
        groups = []
        for name in group:
            try:
                groups.append(Group.objects.get(name=name))
            except Group.DoesNotExist:
                known = ", ".join(Group.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"No group called {name!r} (known: {known}).") from None
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise CommandError("The passwords do not match.")
        try:
            with transaction.atomic():
                user = services.create_staff_account(email=email, password=password, superuser=superuser, groups=groups)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.email}. They set up two-factor when they first sign in."))
