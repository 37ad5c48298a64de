"""Default-deny: no page opens for a session that has not passed two-factor, unless it is public."""

from __future__ import annotations

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
