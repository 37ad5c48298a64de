"""Default-deny: no page opens for a session that has not passed two-factor, unless it is public."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend, logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from accounts.access import is_public, is_two_factor_setup_step
from accounts.services import has_authenticator
from mysupportspace.compiled import CompiledQuery


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


class OneQueryOTPMiddleware(OTPMiddleware):
    """django_otp's OTPMiddleware, loading the user and checking their device in one query.

    AuthenticationMiddleware and OTPMiddleware each ran a query on every signed-in request: the
    user, then the device the session was verified with. Here the user is loaded with an EXISTS
    for that device (the user's own, confirmed), read fresh from the database on every request,
    so a deleted or replaced authenticator, a changed password or a deactivated account counts
    at once, exactly as before. The device itself is loaded only if something asks for it.
    Everything Django's ``get_user`` checks (the backend, ``is_active``, the session's password
    hash and its fallbacks) is checked the same way, by Django's own code.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        preloaded = _user_with_device_check(request)
        if preloaded is None:
            return super()._verify_user_sync(request, user)
        user, persistent_id, verified = preloaded
        self._init_user_fields(user)
        if user.is_authenticated:
            if verified:
                user.otp_device = SimpleLazyObject(partial(Device.from_persistent_id, persistent_id))
            elif DEVICE_ID_SESSION_KEY in request.session:
                del request.session[DEVICE_ID_SESSION_KEY]
        return user


def _user_with_device_check(request: HttpRequest) -> tuple[Any, str, bool] | None:
    """The session's user (or AnonymousUser) and whether its device holds, or None to do it Django's way."""
    session = request.session
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return None
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])  # type: ignore[union-attr]
        backend_path = session[BACKEND_SESSION_KEY]
        label, device_pk = OTPMiddleware._normalize_persistent_id(persistent_id).rsplit("/", 1)
        device_model = apps.get_model(label)
        device_id = int(device_pk)
    except (KeyError, ValueError, LookupError, ValidationError):
        return None
    if backend_path not in settings.AUTHENTICATION_BACKENDS or not issubclass(device_model, Device):
        return None
    backend = load_backend(backend_path)
    if type(backend) is not ModelBackend or type(user_id) is not int:  # its get_user is what this query does
        return None
    found = next(iter(_user_and_device_query(device_model).instances(user_id, device_id)), None)
    user: Any = found if found is not None and backend.user_can_authenticate(found) else None
    if user is not None:
        user.backend = backend_path
        user = _session_hash_checked(request, user)
    # AuthenticationMiddleware's lazy request.user then gives this same object without a query.
    request._cached_user = user or AnonymousUser()  # type: ignore[attr-defined]
    return request._cached_user, persistent_id, bool(user is not None and user._device_holds)  # type: ignore[attr-defined]


_user_and_device: dict[type[Device], CompiledQuery] = {}


def _user_and_device_query(device_model: type[Device]) -> CompiledQuery:
    """The user with an EXISTS for the session's device (the user's own, confirmed), built once per kind of device."""
    query = _user_and_device.get(device_model)
    if query is None:

        def build(user_id: int, device_id: int) -> QuerySet[Any]:
            device_holds = device_model.objects.filter(pk=device_id, user=OuterRef("pk"), confirmed=True)
            return get_user_model()._default_manager.filter(pk=user_id).annotate(_device_holds=Exists(device_holds))

        query = _user_and_device[device_model] = CompiledQuery(build, arguments=2)
    return query


def _session_hash_checked(request: HttpRequest, user: Any) -> Any:
    """Django's own check that the session was made with the user's current password (as in auth.get_user)."""
    session_hash = request.session.get(HASH_SESSION_KEY)
    if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
        return user
    if session_hash and any(
        constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        return user
    request.session.flush()
    return None
