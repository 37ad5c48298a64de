from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.accounts.helpers import is_verified, submit_code, submit_password
from tests.factories import current_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new long passphrase"


def _reset_link(client: Client, email: str) -> str:
    client.post("/account/password/reset/", {"email": email})
    return re.search(r"https?://[^/]+(/account/password/reset/key/[^\s]+/)", mail.outbox[-1].body).group(1)


def _choose_new_password(client: Client, link: str) -> str:
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    return response["Location"] if response.status_code == 302 else ""


def test_reset_email_is_neutral(client: Client, alice) -> None:
    _reset_link(client, "alice@example.org")
    message = mail.outbox[-1]
    assert message.subject == "Reset your password"
    assert "1 hour" in message.body
    for revealing in ["crime", "victim", "abuse", "support"]:
        assert revealing not in (message.subject + message.body).lower()


def test_resetting_never_signs_in_and_sign_in_still_asks_for_a_code(client: Client, alice) -> None:
    link = _reset_link(client, "alice@example.org")
    assert _choose_new_password(client, link) == "/account/password/reset/key/done/"
    assert "_auth_user_id" not in client.session

    response = submit_password(client, "alice@example.org", NEW_PASSWORD)
    assert "Enter your code" in response.content.decode()
    assert "_auth_user_id" not in client.session
    submit_code(client, current_code(alice))
    assert is_verified(client)


def test_the_reset_link_expires_after_an_hour(client: Client, alice) -> None:
    link = _reset_link(client, "alice@example.org")
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = client.get(link, follow=True)
        assert "This link has expired" in response.content.decode()
    alice.refresh_from_db()
    assert not alice.check_password(NEW_PASSWORD)


def test_a_reset_link_works_only_once(client: Client, alice) -> None:
    link = _reset_link(client, "alice@example.org")
    _choose_new_password(client, link)
    response = client.get(link, follow=True)
    assert "This link has expired" in response.content.decode()


def test_asking_for_an_unknown_address_looks_the_same(client: Client) -> None:
    response = client.post("/account/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/account/password/reset/done/"


def test_reset_requests_are_rate_limited(client: Client, alice) -> None:
    statuses = [client.post("/account/password/reset/", {"email": "alice@example.org"}).status_code for _ in range(4)]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3] == 429
    assert len(mail.outbox) == 3


def test_a_mismatched_new_password_gets_an_error_and_changes_nothing(client: Client, alice) -> None:
    link = _reset_link(client, "alice@example.org")
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": "something different here"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    alice.refresh_from_db()
    assert not alice.check_password(NEW_PASSWORD)
