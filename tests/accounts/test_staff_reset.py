"""Staff-assisted recovery: a lost phone and lost backup codes no longer mean starting again."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import BackupCodeDevice, SecondFactorReset
from tests.accounts.helpers import submit_password
from tests.accounts.test_two_factor_setup import _code_for_shown_key
from tests.diary.helpers import make_entry
from tests.factories import PASSWORD, make_user, signed_in_client

pytestmark = pytest.mark.django_db

PAGE = "/account/staff/reset-sign-in/"


@pytest.fixture
def caseworker_client(bob: Any) -> Client:
    bob.is_staff = True
    bob.save(update_fields=["is_staff"])
    bob.groups.add(Group.objects.get_or_create(name="Caseworkers")[0])
    return signed_in_client(bob)


def _reset(client: Client, email: str, **extra: Any) -> Any:
    return client.post(
        PAGE,
        {
            "email": email,
            "how_checked": "Called back on her number; asked about her request",
            "identity_checked": "on",
            **extra,
        },
    )


def test_outsiders_and_staff_who_are_not_caseworkers_get_404(charlie_client: Client, alice: Any) -> None:
    assert charlie_client.get(PAGE).status_code == 404
    editor = make_user("editor@example.org", is_staff=True)
    assert signed_in_client(editor).get(PAGE).status_code == 404
    assert _reset(signed_in_client(editor), "alice@example.org").status_code == 404
    assert TOTPDevice.objects.filter(user=alice).exists()


def test_a_reset_ends_every_session_keeps_the_diary_emails_a_link_and_is_audited(
    caseworker_client: Client, alice: Any, alice_client: Client, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    entry = make_entry(alice, text="Kept safe through the reset")
    assert alice_client.get("/account/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = _reset(caseworker_client, "Alice@Example.org")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not BackupCodeDevice.objects.filter(user=alice).exists()
    assert alice_client.get("/account/")["Location"].startswith("/account/sign-in/")
    record = SecondFactorReset.objects.get()
    assert (record.user, record.staff, record.staff_email) == (alice, bob, "bob@example.org")
    assert "Called back" in record.how_checked
    assert "alice@example.org" in caseworker_client.get(PAGE).content.decode()

    message = mail.outbox[-1]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Your sign-in was reset"
    for revealing in ["crime", "victim", "abuse", "support", "diary", "caseworker"]:
        assert revealing not in (message.subject + message.body).lower()
    link = re.search(r"https?://[^/]+(/account/two-factor/set-up/[^\s]+/)", message.body).group(1)

    # On her new phone: the link, her password, a new authenticator app, and her diary is there.
    phone = Client()
    phone.get(link)
    submit_password(phone, "alice@example.org", PASSWORD)
    html = phone.get("/account/two-factor/set-up/").content.decode()
    assert 'id="setup-key"' in html
    assert phone.post("/account/two-factor/set-up/", {"code": _code_for_shown_key(html)}).status_code == 302
    assert "Kept safe through the reset" in phone.get(f"/diary/{entry.pk}/").content.decode()


def test_without_the_link_the_password_alone_cannot_connect_a_new_app(caseworker_client: Client, alice: Any) -> None:
    _reset(caseworker_client, "alice@example.org")
    stranger = Client()
    submit_password(stranger, "alice@example.org", PASSWORD)
    html = stranger.get("/account/two-factor/set-up/").content.decode()
    assert 'id="setup-key"' not in html


def test_the_check_must_be_confirmed_and_described(caseworker_client: Client, alice: Any) -> None:
    response = caseworker_client.post(PAGE, {"email": "alice@example.org"})
    html = response.content.decode()
    assert "Confirm you have checked it is them" in html
    assert "Say how you checked it is them" in html
    assert TOTPDevice.objects.filter(user=alice).exists()
    assert not SecondFactorReset.objects.exists()


def test_caseworkers_cannot_reset_staff_or_themselves(caseworker_client: Client, bob: Any) -> None:
    make_user("admin@example.org", is_staff=True)
    assert (
        "Only an administrator can reset a staff account"
        in _reset(caseworker_client, "admin@example.org").content.decode()
    )
    assert "You cannot reset your own sign-in" in _reset(caseworker_client, "bob@example.org").content.decode()
    assert "No account has this email address" in _reset(caseworker_client, "nobody@example.org").content.decode()
    assert not SecondFactorReset.objects.exists()


def test_an_administrator_can_reset_a_staff_account(alice: Any) -> None:
    admin = make_user("admin@example.org", is_staff=True, is_superuser=True)
    editor = make_user("editor@example.org", is_staff=True)
    assert _reset(signed_in_client(admin), "editor@example.org").status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()


def test_the_sign_in_page_says_recovery_keeps_everything(client: Client, alice: Any) -> None:
    html = submit_password(client, "alice@example.org", PASSWORD).content.decode()
    assert "they can reset how you sign in" in html
    assert "You keep everything in your account" in html
    assert "start again" not in html
