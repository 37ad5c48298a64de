"""Default-deny: no page opens for a session that has not passed two-factor, unless it is public."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.access import is_public, is_two_factor_setup_step
from accounts.services import has_authenticator


class RequireTwoFactorMiddleware:
    """Sits after django_otp's OTPMiddleware, which sets ``request.user.is_verified()``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if user.is_authenticated and not user.is_verified():
            if has_authenticator(user):
                # A password without a code (or a code from an authenticator since replaced): never valid.
                logout(request)
                user = request.user
            elif is_two_factor_setup_step(view_func):
                return None
            elif not is_public(request, view_func):
                return redirect("accounts:two-factor-setup")
            else:
                # Part-way through set-up: public pages show nothing of the account.
                request.user = AnonymousUser()
                return None
        if is_public(request, view_func) or (user.is_authenticated and user.is_verified()):
            return None
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


IDLE_CLOCK_KEY = "_idle_clock"
# How stale the idle clock may get before a request writes the session just to move it on.
IDLE_CLOCK_RESOLUTION_SECONDS = 60


class IdleClockMiddleware:
    """Writes the session only when something in it changed, or once a minute for the idle timeout.

    Saving every request (SESSION_SAVE_EVERY_REQUEST) rewrote the session row on every page. Now
    each write stamps the time in the session, and a request writes again only when that stamp
    is a minute old, so the session still ends SESSION_IDLE_MINUTES after the last write: between
    one minute early and on time after the last request, never later. Sits just below
    SessionMiddleware, which saves what this marks as changed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if settings.SESSION_COOKIE_NAME in request.COOKIES and _holds_more_than_the_clock(session):
            now = int(time.time())
            clock = session.get(IDLE_CLOCK_KEY, 0)
            if clock and now - clock >= settings.SESSION_COOKIE_AGE:
                # Idle too long, even if a cached copy of the session outlived its expiry.
                session.flush()
            elif now - clock >= IDLE_CLOCK_RESOLUTION_SECONDS:
                session[IDLE_CLOCK_KEY] = now
        response = self.get_response(request)
        if session.modified and _holds_more_than_the_clock(session):
            # Written anyway (signed in, a wizard step): the idle clock restarts with it.
            session[IDLE_CLOCK_KEY] = int(time.time())
        return response


def _holds_more_than_the_clock(session: Any) -> bool:
    return bool(session.keys() - {IDLE_CLOCK_KEY})


def idle_seconds_left(request: HttpRequest) -> int:
    """Seconds until the idle timeout ends this session, for the warning's countdown."""
    clock = request.session.get(IDLE_CLOCK_KEY)
    if clock is None:
        return settings.SESSION_COOKIE_AGE
    return max(0, settings.SESSION_COOKIE_AGE - (int(time.time()) - int(clock)))
