"""What the sign-in form refuses before anything is recorded (the record of wrong passwords included)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts import guard
from accounts.models import SignInFailure
from tests.accounts.helpers import is_verified, submit_password
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOCAL_PART = "a" * 64


def _address(length: int) -> str:
    """A well-formed address of exactly ``length`` characters."""
    domain = "example.org"
    labels = []
    while len(LOCAL_PART) + 1 + len(".".join([*labels, domain])) < length:
        labels.append("b" * min(63, length - len(LOCAL_PART) - 2 - len(".".join([*labels, domain]))))
    address = f"{LOCAL_PART}@{'.'.join([*labels, domain])}"
    assert len(address) == length, len(address)
    return address


def test_an_email_longer_than_any_can_be_is_refused_and_nothing_is_recorded(client: Client, alice) -> None:
    """On PostgreSQL this was a server error: the failed attempt did not fit a 255-character column."""
    response = submit_password(client, _address(300), "wrong password")

    assert response.status_code == 200
    assert "Enter an email address of 254 characters or fewer" in response.content.decode()
    assert not SignInFailure.objects.exists()


def test_a_very_long_email_is_refused_the_same_way(client: Client, alice) -> None:
    response = submit_password(client, "x" * 100_000 + "@example.org", "wrong password")

    assert response.status_code == 200
    assert "254 characters or fewer" in response.content.decode()
    assert not SignInFailure.objects.exists()


def test_an_email_of_the_longest_possible_length_is_checked_as_usual(client: Client, alice) -> None:
    response = submit_password(client, _address(254), "wrong password")

    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    assert SignInFailure.objects.get().account_key == guard.account_key(_address(254))


def test_the_limit_does_not_stand_in_the_way_of_signing_in(client: Client, alice) -> None:
    response = submit_password(client, "alice@example.org", PASSWORD)

    assert "Enter your code" in response.content.decode()
    assert not is_verified(client)
