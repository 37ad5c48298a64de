"""Default-deny: no page opens for a session that has not passed two-factor, unless it is public."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp import user_has_device

from accounts.access import is_public, is_two_factor_setup_step


class RequireTwoFactorMiddleware:
    """Sits after django_otp's OTPMiddleware, which sets ``request.user.is_verified()``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if is_public(request, view_func):
            return None
        user: Any = request.user
        if user.is_authenticated and user.is_verified():
            return None
        if user.is_authenticated and not user_has_device(user):
            if is_two_factor_setup_step(view_func):
                return None
            return redirect("accounts:two-factor-setup")
        if user.is_authenticated:
            # Signed in with a password but not a code, though a device exists: never a valid state.
            logout(request)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
