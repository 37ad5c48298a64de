"""Writes that touch several models: two-factor devices, data export and account deletion."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts import registry
from accounts.models import BackupCodeDevice, User


def new_totp_key() -> str:
    return random_hex(20)


def key_as_text(hex_key: str) -> str:
    """The key as people type it into an authenticator app: base32 in groups of four."""
    b32 = base64.b32encode(binascii.unhexlify(hex_key)).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


@transaction.atomic
def set_up_two_factor(*, user: User, hex_key: str, verified_t: int) -> tuple[TOTPDevice, list[str]]:
    """Save the person's authenticator and make their backup codes, replacing any old ones.

    ``verified_t`` is the time step of the code they just entered, so that code cannot be used again.
    """
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name="default", key=hex_key, confirmed=True, tolerance=1, last_t=verified_t
    )
    codes = replace_backup_codes(user=user)
    return device, codes


@transaction.atomic
def replace_backup_codes(*, user: User) -> list[str]:
    device, _ = BackupCodeDevice.objects.get_or_create(user=user, defaults={"name": "backup", "confirmed": True})
    return device.replace_codes()


def backup_codes_left(user: User) -> int:
    device = BackupCodeDevice.objects.filter(user=user).first()
    return device.remaining() if device else 0


def check_code(*, user: User, code: str, allow_backup_code: bool = False) -> bool:
    """A fresh authenticator code (or, if allowed, an unused backup code), throttled and never reusable."""
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if totp is not None and code.isdigit() and len(code) == 6 and totp.verify_token(code):
        return True
    if allow_backup_code:
        backup = BackupCodeDevice.objects.filter(user=user).first()
        return bool(backup and backup.verify_token(code))
    return False


@transaction.atomic
def create_staff_account(
    *, email: str, password: str, superuser: bool = False, groups: list[Any] | None = None
) -> User:
    """A staff account whose address is taken as confirmed; two-factor is set up at first sign-in."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.password_validation import validate_password

    user = User(email=email.strip().lower(), role="supporter", is_staff=True, is_superuser=superuser)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(groups or [])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def export_data(*, user: User) -> dict[str, Any]:
    """Everything the service holds about a person, one section per app."""
    return {
        "exported_at": timezone.now().isoformat(),
        **{section: exporter(user) for section, exporter in registry.exporters().items()},
    }


def export_account(user: User) -> dict[str, Any]:
    from allauth.account.models import EmailAddress

    return {
        "email": user.email,
        "role": user.role,
        "joined": user.date_joined.isoformat(),
        "last_sign_in": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "two_factor": {
            "authenticator_set_up": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "backup_codes_left": backup_codes_left(user),
        },
    }


def erase_account_traces(user: User) -> None:
    """What the user row's cascade does not reach: sign-in records kept by email, and sessions."""
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=user.email).delete()
    user_id = str(user.pk)
    stale = [
        session.pk for session in Session.objects.iterator() if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=stale).delete()


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the person and everything that belongs to them, across every app, all at once."""
    for eraser in registry.erasers().values():
        eraser(user)
    user.delete()
