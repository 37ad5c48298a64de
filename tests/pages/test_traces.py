"""What the site leaves in a browser: every cookie any page sets, and how long it lasts."""

from __future__ import annotations

from http.cookies import Morsel
from typing import Any

import pytest
from django.test import Client

from tests.accounts.helpers import submit_code, submit_password
from tests.accounts.test_side_doors import _site_urls
from tests.factories import PASSWORD, current_code, make_user

pytestmark = pytest.mark.django_db

# Every cookie the site sets, and why. None of them outlives the browser session.
EXPECTED_COOKIES = {
    "csrftoken": "proves a form was sent from this site",
    "sessionid": "the sign-in, and answers part-way through a form",
    "messages": "a one-off notice such as 'You have signed out', read on the next page",
}


def _lifetime(morsel: Morsel) -> str:
    """'session' for a cookie that goes when the browser closes, 'deleted' for one being removed."""
    if morsel["max-age"] in ("0", 0) or "1970" in str(morsel["expires"]):
        return "deleted"
    if morsel["max-age"] or morsel["expires"]:
        return f"max-age={morsel['max-age']} expires={morsel['expires']}"
    return "session"


class CookieJar:
    def __init__(self) -> None:
        self.seen: dict[str, set[str]] = {}

    def note(self, response: Any, where: str) -> Any:
        for name, morsel in response.cookies.items():
            self.seen.setdefault(name, set()).add(_lifetime(morsel))
        return response


def test_no_page_sets_a_cookie_that_outlives_the_browser_session(client: Client) -> None:
    jar = CookieJar()
    alice = make_user("alice@example.org")
    for name, url, _ in _site_urls():
        jar.note(client.get(url), name)
    client.get("/account/start/")
    jar.note(client.post("/account/start/", {"is_16_or_over": "yes"}), "start")
    jar.note(client.post("/account/signup/", {"email": "x@example.org"}), "signup")
    jar.note(submit_password(client, "alice@example.org", PASSWORD), "sign-in")
    jar.note(submit_code(client, current_code(alice)), "code")
    for name, url, _ in _site_urls():
        jar.note(client.get(url), name)
    jar.note(client.post("/account/sign-out/"), "sign-out")
    jar.note(client.get("/"), "home after sign-out")

    assert set(jar.seen) == set(EXPECTED_COOKIES)
    for name, lifetimes in jar.seen.items():
        assert lifetimes <= {"session", "deleted"}, f"{name} lasts {lifetimes}"


def test_the_csrf_cookie_from_the_sign_in_page_is_a_session_cookie(client: Client) -> None:
    response = client.get("/account/sign-in/")
    assert _lifetime(response.cookies["csrftoken"]) == "session"
