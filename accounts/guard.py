"""Sign-in that nobody can use to shut the person out, and that keeps password guessing slow.

The rule: wrong passwords are counted per account (the email address as typed, from every
address together). After ``SIGN_IN_GUARD_AFTER`` of them within ``SIGN_IN_GUARD_WINDOW``, the
account is *guarded*: the sign-in page then asks for the password and the code together, and
answers every attempt the same way unless both are right. Nothing is ever refused to someone
who has the right password and the right code, however many wrong tries others make, from
wherever (the same home Wi-Fi included). Someone guessing passwords learns whether a guess
was right at most ``SIGN_IN_GUARD_AFTER`` times per window; after that only a right code too
would tell them. The code is checked only after a right password, so someone without the
password can never slow down the person's codes.

Counting every email address typed, whether or not it has an account, keeps the guard from
telling anyone which addresses have accounts. Wrong tries while guarded keep it on.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import SignInFailure


def account_key(email: str) -> str:
    return salted_hmac("accounts.guard", email.strip().lower(), algorithm="sha256").hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=settings.SIGN_IN_GUARD_WINDOW_MINUTES)


def is_guarded(email: str) -> bool:
    since = timezone.now() - _window()
    failures = SignInFailure.objects.filter(account_key=account_key(email), at__gte=since)
    return failures.count() >= settings.SIGN_IN_GUARD_AFTER


def record_failure(*, email: str, address: str) -> None:
    now = timezone.now()
    # Failures older than the window count for nothing: keep the table small as we go.
    SignInFailure.objects.filter(at__lt=now - _window()).delete()
    SignInFailure.objects.create(account_key=account_key(email), address=address[:45], at=now)


def forget(email: str) -> None:
    """When the account goes: no trace that anyone ever tried its address."""
    SignInFailure.objects.filter(account_key=account_key(email)).delete()
