"""Every page needs a two-factor-verified session, unless it is deliberately public.

The URL list is read from the live URLconf, so a new page is covered the moment it exists.
A new public page must be added to EXPECTED_PUBLIC_URL_NAMES below, on purpose.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from accounts.access import is_public, is_two_factor_setup_step
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EXPECTED_PUBLIC_URL_NAMES = {
    "account_confirm_email",
    "account_email_verification_sent",
    "account_inactive",
    "account_login",
    "account_logout",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_signup",
    "accounts:deleted",
    "accounts:sign-in",
    "accounts:sign-out",
    "accounts:start",
    "accounts:two-factor-setup-link",
    "accounts:under-16",
    "diary:entry-edit",  # signed-in only, but writing sent after the session ended is kept (diary.views)
    "diary:entry-new",  # likewise
    "guides:guide",
    "guides:search",
    "guides:step",
    "guides:step-captions",
    "guides:step-of",
    "guides:step-video",
    "guides:topic",
    "guides:topics",
    "pages:accessibility",
    "pages:help-now",
    "pages:home",
    "pages:privacy",
    "pages:quick-exit",
    "pages:using-safely",
    "referrals:check",
    "referrals:check-result",
    "referrals:check-supporter",
    "referrals:directory",
    # A request made without an account, opened in this session with its private key; otherwise sign-in.
    "referrals:follow-up-enter",
    "referrals:request",
    "referrals:request-ask-again",
    "referrals:request-change",
    "referrals:request-withdraw",
    "referrals:out-of-hours",
    "referrals:out-of-hours-sent",
    "referrals:silvercloud",
    "referrals:start",
    # Live chat needs no account.
    "chat:start",
    "chat:talk",
    "chat:send",
    "chat:leave",
    "chat:end",
    "chat:contact",
    "chat:ended",
    "rights:index",
    "rights:page",
}
SETUP_STEP_URL_NAMES = {"accounts:two-factor-setup"}

SAMPLE_KWARGS = {
    "pk": 1,
    "id": 1,
    "slug": "sample",
    "step": 1,
    "number": 1,
    "token": "sample",
    "key": "sample",
    "uidb36": "1",
    "app_label": "accounts",
    "object_id": "1",
    "content_type_id": "1",
    "url": "sample",
    "year": 2026,
    "month": 1,
}


def _all_patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    found: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _all_patterns(entry, inner)
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def _concrete_url(name: str, pattern: URLPattern) -> str:
    keys = set(pattern.pattern.regex.groupindex)
    return reverse(name, kwargs={key: SAMPLE_KWARGS[key] for key in keys})


def _site_urls() -> list[tuple[str, str, Any]]:
    urls = []
    for name, pattern in _all_patterns():
        try:
            urls.append((name, _concrete_url(name, pattern), pattern.callback))
        except (KeyError, NoReverseMatch) as error:
            raise AssertionError(f"Add sample values for {name} ({pattern.pattern}) to SAMPLE_KWARGS") from error
    return urls


def _is_public(name: str, callback: Any) -> bool:
    class _Match:
        url_name = name.split(":")[-1]

    class _Request:
        resolver_match = _Match()

    return is_public(_Request(), callback)  # type: ignore[arg-type]


def test_the_public_pages_are_exactly_the_expected_ones() -> None:
    public = {name for name, _, callback in _site_urls() if _is_public(name, callback)}
    assert public == EXPECTED_PUBLIC_URL_NAMES


def test_there_are_many_private_pages_to_check() -> None:
    private = [name for name, _, callback in _site_urls() if not _is_public(name, callback)]
    assert len(private) > 10


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_private_page_opens_for_a_signed_out_visitor(client: Client, method: str) -> None:
    for name, url, callback in _site_urls():
        if _is_public(name, callback):
            continue
        response = getattr(client, method)(url)
        assert response.status_code == 302, f"{name} {url} answered {response.status_code}"
        assert response["Location"].startswith("/account/sign-in/"), f"{name} went to {response['Location']}"


def test_no_private_page_opens_after_a_password_alone(client: Client) -> None:
    """Someone who knows the password but has no code: every private page sends them back to sign in."""
    alice = make_user("alice@example.org")
    for name, url, callback in _site_urls():
        if _is_public(name, callback):
            continue
        client.force_login(alice)  # password only: no two-factor device verified in this session
        response = client.get(url)
        assert response.status_code == 302, f"{name} {url} answered {response.status_code}"
        assert response["Location"].startswith("/account/sign-in/"), f"{name} went to {response['Location']}"
        assert "_auth_user_id" not in client.session


def test_before_two_factor_set_up_only_the_set_up_opens(client: Client) -> None:
    newcomer = make_user("new@example.org", two_factor=False)
    client.force_login(newcomer)
    for name, url, callback in _site_urls():
        if _is_public(name, callback):
            continue
        response = client.get(url)
        if name in SETUP_STEP_URL_NAMES:
            assert is_two_factor_setup_step(callback)
            assert response.status_code == 200, name
        else:
            assert response.status_code == 302, f"{name} {url} answered {response.status_code}"
            assert response["Location"] == "/account/two-factor/set-up/", name
