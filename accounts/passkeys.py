"""Passkeys (WebAuthn) as a second factor, through django-otp-webauthn's credential device.

A passkey is a django-otp device like the authenticator app, so the default-deny middleware and
every rule that asks "has this session passed two-factor?" treat it the same. The ceremonies run
inside our own pages (the two-factor sign-in, set-up and settings): the options are written into
the page, the browser's answer comes back in an ordinary form post, and the state in between is
kept in the session, used once.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import User

REGISTRATION_STATE = "passkey_registration_state"
SIGN_IN_STATE = "passkey_sign_in_state"

logger = logging.getLogger(__name__)


def relying_party_id(request: HttpRequest) -> str:
    """The host the site is served on (Django has checked it against ALLOWED_HOSTS), without its port."""
    return split_domain_port(request.get_host())[0]


class PasskeyHelper(WebAuthnHelper):
    """The site's own address is the relying party, whatever host it is served on."""

    def get_relying_party_name(self) -> str:
        # Shown by password managers: as neutral as the authenticator app's label.
        return str(settings.TWO_FACTOR_ACCOUNT_LABEL)

    def get_allowed_origins(self) -> list[str]:
        """This site's own origin, if browsers would allow passkeys on it at all."""
        origin = f"{self.request.scheme}://{self.request.get_host()}"
        if self.request.scheme == "https" or relying_party_id(self.request) == "localhost":
            return [origin]
        return []

    def get_credential_display_name(self, user: Any) -> str:
        return str(user.email)


def has_passkey(user: User) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user).order_by("created_at"))


def registration_options(*, request: HttpRequest, user: User) -> dict[str, Any]:
    """Options for the browser to make a new passkey; the challenge waits in the session."""
    options, state = PasskeyHelper(request).register_begin(user)
    request.session[REGISTRATION_STATE] = state
    return options


def register(*, request: HttpRequest, user: User, response_json: str) -> WebAuthnCredential | None:
    """Save the passkey the browser made, if its answer matches the challenge we gave it."""
    state = request.session.pop(REGISTRATION_STATE, None)
    if not state or not response_json:
        return None
    try:
        device = PasskeyHelper(request).register_complete(user, state, json.loads(response_json))
    except Exception:  # a bad or tampered answer, in any of the many ways py_webauthn reports it
        logger.info("A passkey registration was refused", exc_info=True)
        return None
    device.name = "Passkey"
    device.save(update_fields=["name"])
    return device


def sign_in_options(*, request: HttpRequest, user: User | None) -> dict[str, Any]:
    """Options for the browser to prove it holds one of ``user``'s passkeys (any passkey, when
    ``user`` is not known yet: the answer says whose it is, and is checked against that later)."""
    options, state = PasskeyHelper(request).authenticate_begin(user=user, require_user_verification=False)
    request.session[SIGN_IN_STATE] = state
    return options


def verify(*, request: HttpRequest, user: User, response_json: str) -> WebAuthnCredential | None:
    """The passkey of ``user``'s that answered our last challenge in this browser, or None.

    Any other account's passkey, an answer to another challenge, or a replayed one: None.
    """
    state = request.session.pop(SIGN_IN_STATE, None)
    if not state or not response_json:
        return None
    try:
        device = PasskeyHelper(request).authenticate_complete(user, state, json.loads(response_json))
    except Exception:
        logger.info("A passkey sign-in was refused", exc_info=True)
        return None
    if device.user_id != user.pk or not device.confirmed:
        return None
    return device
