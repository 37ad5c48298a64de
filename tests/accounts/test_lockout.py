from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.accounts.helpers import submit_password
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _fail(client: Client, times: int, ip: str = "203.0.113.5") -> None:
    for _ in range(times):
        submit_password(client, "alice@example.org", "wrong password", REMOTE_ADDR=ip)


def test_five_wrong_passwords_pause_sign_in_with_a_calm_page(client: Client, alice) -> None:
    _fail(client, 5)
    response = submit_password(client, "alice@example.org", PASSWORD, REMOTE_ADDR="203.0.113.5")
    html = response.content.decode()
    assert response.status_code == 429
    assert "Please wait before trying again" in html
    assert "Traceback" not in html
    assert "_auth_user_id" not in client.session


def test_the_pause_is_per_address_so_the_owner_elsewhere_is_not_locked_out(alice) -> None:
    _fail(Client(), 5, ip="203.0.113.5")
    response = submit_password(Client(), "alice@example.org", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert "Enter your code" in response.content.decode()


def test_the_pause_ends_after_the_cool_off(client: Client, alice) -> None:
    _fail(client, 5)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = submit_password(Client(), "alice@example.org", PASSWORD, REMOTE_ADDR="203.0.113.5")
        assert "Enter your code" in response.content.decode()


def test_four_wrong_passwords_do_not_lock(client: Client, alice) -> None:
    _fail(client, 4)
    response = submit_password(client, "alice@example.org", PASSWORD, REMOTE_ADDR="203.0.113.5")
    assert "Enter your code" in response.content.decode()
