"""Writes that touch several models: two-factor devices, data export and account deletion."""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime
import math
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts import emails, guard, registry
from accounts.models import BackupCodeDevice, SecondFactorReset, User

SETUP_ALLOWED_SESSION = "two_factor_setup_allowed_for"
SETUP_LINK_SALT = "accounts.two-factor-setup-link"
SETUP_LINK_MAX_AGE = 60 * 60
# The link emailed after a member of staff resets someone's second factor: they may not be at a
# computer straight away.
RESET_LINK_SALT = "accounts.second-factor-reset-link"
RESET_LINK_MAX_AGE = 24 * 60 * 60


def send_email_code(*, request: HttpRequest, user: User) -> None:
    """Email a code that confirms the person's address when typed into this browser.

    A code already on its way to the same address still works, so a second sign-in does not
    send another (nor count against the limit on confirmation emails).
    """
    from allauth.account.internal.flows.email_verification import send_verification_email_to_address
    from allauth.account.internal.flows.email_verification_by_code import EmailVerificationProcess
    from allauth.account.models import EmailAddress
    from allauth.core.exceptions import ImmediateHttpResponse

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    pending = EmailVerificationProcess.resume(request)
    if address is None or (pending is not None and pending.state.get("user_id") == str(user.pk)):
        return
    # Too many emails to this address just now: the last code sent still works.
    with contextlib.suppress(ImmediateHttpResponse):
        send_verification_email_to_address(request, address, signup=False)


def email_code_pending(request: HttpRequest) -> bool:
    from allauth.account.internal.flows.email_verification_by_code import EmailVerificationProcess

    return EmailVerificationProcess.resume(request) is not None


def allow_two_factor_setup(request: HttpRequest, user: User) -> None:
    """This browser may connect the person's first authenticator app (they proved they own the email)."""
    request.session[SETUP_ALLOWED_SESSION] = user.pk


def may_set_up_two_factor(request: HttpRequest, user: User) -> bool:
    return bool(request.session.get(SETUP_ALLOWED_SESSION) == user.pk)


def send_two_factor_setup_link(*, request: HttpRequest, user: User) -> bool:
    """Email a link that lets whichever browser opens it connect the first authenticator.

    Someone who knows only the password cannot set up their own authenticator on the
    account: they would need the email too. Sent at most once every three minutes.
    """
    if not cache.add(f"two-factor-setup-link:{user.pk}", True, timeout=180):
        return False
    token = signing.dumps(user.pk, salt=SETUP_LINK_SALT)
    url = request.build_absolute_uri(reverse("accounts:two-factor-setup-link", args=[token]))
    emails.build("set-up-sign-in", user.email, {"setup_url": url}).send()
    return True


def user_for_setup_link(token: str) -> User | None:
    for salt, max_age in ((SETUP_LINK_SALT, SETUP_LINK_MAX_AGE), (RESET_LINK_SALT, RESET_LINK_MAX_AGE)):
        try:
            user_id = signing.loads(token, salt=salt, max_age=max_age)
        except signing.BadSignature:
            continue
        return User.objects.filter(pk=user_id, is_active=True).first()
    return None


def remove_second_factors(*, user: User) -> None:
    """Every way the person proves it is them besides the password: app, backup codes, passkeys."""
    from django_otp_webauthn.models import WebAuthnCredential

    TOTPDevice.objects.filter(user=user).delete()
    BackupCodeDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()


@transaction.atomic
def reset_second_factor(*, request: HttpRequest, user: User, staff: User, how_checked: str) -> SecondFactorReset:
    """After a member of staff has checked who the person is: clear their second factors and sign
    them out everywhere, keeping everything else. They connect a new app or passkey through a link
    emailed to their address, with their password, as at their first sign-in."""
    remove_second_factors(user=user)
    end_other_sessions(user=user)
    record = SecondFactorReset.objects.create(
        user=user, staff=staff, staff_email=staff.email, how_checked=how_checked.strip(), at=timezone.now()
    )
    token = signing.dumps(user.pk, salt=RESET_LINK_SALT)
    url = request.build_absolute_uri(reverse("accounts:two-factor-setup-link", args=[token]))
    message = emails.build("sign-in-reset", user.email, {"setup_url": url})
    transaction.on_commit(message.send)
    return record


SIGNUP_WINDOW = datetime.timedelta(hours=1)


def _signups_key(address: str) -> str:
    return f"signups-from:{address}"


def signup_wait(*, address: str) -> datetime.timedelta | None:
    """How long until one more sign-up from ``address`` may go through, if it may not now.

    Only sign-ups that went through count, so someone who made a mistake in the form is never held up.
    """
    now = timezone.now()
    recent = [at for at in cache.get(_signups_key(address), []) if at > now - SIGNUP_WINDOW]
    if len(recent) < settings.SIGNUP_ACCOUNTS_PER_HOUR:
        return None
    oldest_that_counts = sorted(recent)[-settings.SIGNUP_ACCOUNTS_PER_HOUR]
    return oldest_that_counts + SIGNUP_WINDOW - now


def note_signup(*, address: str) -> None:
    """Count a sign-up that went through (a new account, or an email to the owner of a taken address:
    both look the same to whoever signed up, so both count the same)."""
    now = timezone.now()
    recent = [at for at in cache.get(_signups_key(address), []) if at > now - SIGNUP_WINDOW]
    cache.set(_signups_key(address), [*recent, now], timeout=int(SIGNUP_WINDOW.total_seconds()))


def duration_in_words(wait: datetime.timedelta) -> str:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


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


def has_authenticator(user: User) -> bool:
    """Whether the person has a second factor (an authenticator app or a passkey), so every sign-in needs it."""
    from accounts.passkeys import has_passkey

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists() or has_passkey(user)


def has_authenticator_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def set_up_passkey(*, request: HttpRequest, user: User, response_json: str) -> tuple[Any, list[str]] | None:
    """Save the person's first passkey and make their backup codes; None if the browser's answer is refused."""
    from accounts import passkeys

    device = passkeys.register(request=request, user=user, response_json=response_json)
    if device is None:
        return None
    return device, replace_backup_codes(user=user)


def can_remove_second_factor(*, user: User) -> bool:
    """A person keeps at least one of app and passkey: backup codes alone are for emergencies."""
    from accounts.passkeys import passkeys_of

    return int(has_authenticator_app(user)) + len(passkeys_of(user)) > 1


def cap_throttle(device: Any) -> None:
    """Keep the back-off after wrong codes to minutes, never days (see OTP_MAX_THROTTLE_DOUBLINGS)."""
    limit = settings.OTP_MAX_THROTTLE_DOUBLINGS
    if device.throttling_failure_count > limit:
        device.throttling_failure_count = limit
        device.save(update_fields=["throttling_failure_count"])


def locked_device(device: Any) -> Any:
    """The same device, re-read and locked for this transaction, so a code is checked only once at a time."""
    locked = type(device).objects.select_for_update().get(pk=device.pk)
    cap_throttle(locked)
    return locked


def end_other_sessions(*, user: User, keep_session_key: str | None = None) -> None:
    """Sign the person out everywhere else, e.g. after they change how they sign in."""
    user_id = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.exclude(session_key=keep_session_key or "").iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    _delete_sessions(stale)


def _delete_sessions(session_keys: list[str]) -> None:
    """Through the session engine, so a cached copy (SESSION_ENGINE cached_db) goes too."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session_key in session_keys:
        store().delete(session_key)


def after_password_reset(*, user: User) -> None:
    """Whoever reset the password controls the email: lift the code back-off that others caused."""
    for model in (TOTPDevice, BackupCodeDevice):
        for device in model.objects.filter(user=user):
            device.throttle_reset()


def backup_codes_left(user: User) -> int:
    device = BackupCodeDevice.objects.filter(user=user).first()
    return device.remaining() if device else 0


@transaction.atomic
def verify_second_factor(*, user: User, code: str, allow_backup_code: bool = True) -> Any:
    """The device that accepts ``code`` (a fresh authenticator code, or an unused backup code), or None.

    Throttled and never reusable: each device is re-read and locked while its code is checked.
    """
    code = code.strip()
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if totp is not None and code.isdigit() and len(code) == 6:
        locked = locked_device(totp)
        if locked.verify_token(code):
            return locked
    if allow_backup_code and code:
        backup = BackupCodeDevice.objects.filter(user=user).first()
        if backup is not None:
            locked = locked_device(backup)
            if locked.verify_token(code):
                return locked
    return None


def code_is_right(*, user: User, code: str) -> bool:
    """Whether ``code`` is the app's current code or an unused backup code, without using it up or
    counting a failure (for telling its holder that codes are paused)."""
    code = code.strip()
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if totp is not None and code.isdigit() and len(code) == 6:
        checker = TOTP(totp.bin_key, totp.step, totp.t0, totp.digits, totp.drift)
        if checker.verify(int(code), totp.tolerance):
            return True
    backup = BackupCodeDevice.objects.filter(user=user).first()
    return bool(code and backup is not None and backup.has_code(code))


def check_code(*, user: User, code: str, allow_backup_code: bool = False) -> bool:
    """A fresh authenticator code (or, if allowed, an unused backup code), throttled and never reusable."""
    return verify_second_factor(user=user, code=code, allow_backup_code=allow_backup_code) is not None


def paused_until(device: Any) -> datetime.datetime | None:
    """Until when wrong codes keep ``device`` from being checked, if they do now."""
    cap_throttle(device)
    allowed, details = device.verify_is_allowed()
    if allowed or not details or "locked_until" not in details:
        return None
    locked_until: datetime.datetime = details["locked_until"]
    return locked_until


def codes_paused_until(user: User) -> datetime.datetime | None:
    """Until when wrong codes keep the person's authenticator app from being checked, if they do now."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return paused_until(device) if device is not None else None


def wait_in_words(until: datetime.datetime) -> str:
    return duration_in_words(until - timezone.now())


def codes_paused_message(until: datetime.datetime) -> str:
    return (
        f"For your safety, codes are paused for {wait_in_words(until)} because wrong codes were entered. "
        "If that was not you, someone else may know your password. Changing your password ends the pause at once"
    )


def note_wrong_code(*, user: User) -> None:
    """After a right password and a wrong code: tell the owner, at most once an hour, once it looks deliberate."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    backup = BackupCodeDevice.objects.filter(user=user).first()
    failures = max(
        device.throttling_failure_count if device else 0,
        backup.throttling_failure_count if backup else 0,
    )
    if failures < settings.WRONG_CODE_ALERT_AFTER:
        return
    now = timezone.now()
    hour_ago = now - datetime.timedelta(hours=1)
    claimed = (
        User.objects.filter(pk=user.pk)
        .filter(Q(wrong_code_alert_at__isnull=True) | Q(wrong_code_alert_at__lt=hour_ago))
        .update(wrong_code_alert_at=now)
    )
    if claimed:
        emails.build("wrong-code", user.email, {}).send()


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
    from django_otp_webauthn.models import WebAuthnCredential

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
            "passkeys": [
                {
                    "added": passkey.created_at.isoformat(),
                    "last_used": passkey.last_used_at and passkey.last_used_at.isoformat(),
                }
                for passkey in WebAuthnCredential.objects.filter(user=user)
            ],
            "backup_codes_left": backup_codes_left(user),
            "reset_by_staff": [reset.at.isoformat() for reset in SecondFactorReset.objects.filter(user=user)],
        },
    }


def erase_account_traces(user: User) -> None:
    """What the user row's cascade does not reach: sign-in records kept by email, and sessions."""
    guard.forget(user.email)
    user_id = str(user.pk)
    stale = [
        session.pk for session in Session.objects.iterator() if session.get_decoded().get("_auth_user_id") == user_id
    ]
    _delete_sessions(stale)


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the person and everything that belongs to them, across every app, all at once."""
    for eraser in registry.erasers().values():
        eraser(user)
    user.delete()
