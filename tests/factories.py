"""Small builders for test data. Build in code, close to the test that needs it."""

from __future__ import annotations

import time
from typing import Any

from allauth.account.models import EmailAddress
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import Role, User

PASSWORD = "correct horse battery staple"


def make_user(
    email: str,
    *,
    role: str = Role.VICTIM,
    verified_email: bool = True,
    two_factor: bool = True,
    **extra: Any,
) -> User:
    """A person as they are after sign-up: email confirmed and (by default) two-factor set up."""
    user = User.objects.create_user(email=email, password=PASSWORD, role=role, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=verified_email, primary=True)
    if two_factor:
        services.set_up_two_factor(user=user, hex_key=services.new_totp_key(), verified_t=0)
    return user


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


def current_code(user: User, *, at: float | None = None) -> str:
    """The code the person's authenticator app shows now (a real TOTP computation)."""
    device = totp_device(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def signed_in_client(user: User) -> Client:
    """A browser session that has passed password and two-factor, without going through the forms."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def run_tasks() -> None:
    """Run the real `manage.py db_worker` until nothing is ready (its signal handlers are put back)."""
    import signal

    from django.core.management import call_command

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
