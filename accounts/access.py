"""Who may open which page: the default is "signed in with two-factor", and public pages say so.

Our own public views carry ``@public``. Views from packages that must work before sign-in
(allauth's sign-up, email confirmation and password reset) are named in ``PUBLIC_URL_NAMES``.
``@two_factor_setup_step`` marks the few pages a person who has signed in with their password
but has not yet set up two-factor may open. Everything else needs a verified session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest

View = TypeVar("View", bound=Callable[..., Any])

PUBLIC_URL_NAMES = frozenset(
    {
        "account_login",  # redirects to the two-factor sign-in
        "account_signup",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_inactive",
        "account_logout",
    }
)


def public(view: View) -> View:
    """Anyone may open this page, signed in or not."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def two_factor_setup_step(view: View) -> View:
    """A page for setting up two-factor, open to a password-only session of someone with no device yet."""
    view.is_two_factor_setup_step = True  # type: ignore[attr-defined]
    return view


def is_public(request: HttpRequest, view: Callable[..., Any]) -> bool:
    match = request.resolver_match
    return getattr(view, "is_public", False) or bool(match and match.url_name in PUBLIC_URL_NAMES)


def is_two_factor_setup_step(view: Callable[..., Any]) -> bool:
    return getattr(view, "is_two_factor_setup_step", False)


# Staff who may reset a person's second factor after checking who they are: caseworkers and
# administrators. (The group is made by the referrals app's migrations.)
RESET_GROUP = "Caseworkers"


def can_reset_second_factors(user: Any) -> bool:
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return bool(user.is_superuser or user.groups.filter(name=RESET_GROUP).exists())
