"""Passkeys on the server side: a second factor like the app, never a way round it.

(The ceremonies themselves run in tests/e2e/test_passkeys.py, with Chromium's virtual authenticator.)
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import services
from tests.accounts.helpers import WIZARD, is_verified, submit_password
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def give_passkey(user: Any, number: int = 1) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user, name="Passkey", credential_id=bytes([number]) * 16, public_key=b"not a real key", sign_count=0
    )


@pytest.fixture
def passkey_only(db: None) -> Any:
    person = make_user("pat@example.org", two_factor=False)
    give_passkey(person)
    services.replace_backup_codes(user=person)
    return person


def test_someone_with_only_a_passkey_is_asked_for_it_after_the_password(client: Client, passkey_only: Any) -> None:
    response = submit_password(client, "pat@example.org", PASSWORD)
    html = response.content.decode()
    assert "Use your passkey" in html
    assert 'id="passkey-options"' in html
    assert "Use a backup code instead" in html
    assert "Use my authenticator app instead" not in html
    assert not is_verified(client)


def test_a_made_up_passkey_answer_gets_nobody_in(client: Client, passkey_only: Any) -> None:
    submit_password(client, "pat@example.org", PASSWORD)
    for answer in ["", "{}", '{"id": "AQEBAQ", "type": "public-key", "response": {}}']:
        response = client.post("/account/sign-in/", {WIZARD: "passkey", "passkey-passkey_response": answer})
        assert "That passkey did not work" in response.content.decode()
        assert not is_verified(client)
    assert client.get("/account/")["Location"].startswith("/account/sign-in/")


def test_a_password_alone_never_passes_for_someone_with_only_a_passkey(client: Client, passkey_only: Any) -> None:
    assert services.has_authenticator(passkey_only)
    client.force_login(passkey_only)
    response = client.get("/account/")
    assert response["Location"].startswith("/account/sign-in/")
    assert "_auth_user_id" not in client.session


def test_someone_with_an_app_and_a_passkey_can_choose_either(client: Client, alice: Any) -> None:
    give_passkey(alice)
    html = submit_password(client, "alice@example.org", PASSWORD).content.decode()
    assert "Enter your code" in html and "Use a passkey instead" in html
    html = client.post("/account/sign-in/", {WIZARD: "token", "wizard_goto_step": "passkey"}).content.decode()
    assert "Use your passkey" in html and "Use my authenticator app instead" in html


def test_the_last_way_in_cannot_be_removed(alice: Any, alice_client: Client) -> None:
    html = alice_client.get("/account/settings/").content.decode()
    assert "/account/settings/authenticator/remove/" not in html
    alice_client.post("/account/settings/authenticator/remove/")
    assert TOTPDevice.objects.filter(user=alice).exists()


def test_with_a_passkey_too_the_app_can_go_and_the_person_stays_signed_in(alice: Any, alice_client: Client) -> None:
    give_passkey(alice)
    assert "/account/settings/authenticator/remove/" in alice_client.get("/account/settings/").content.decode()
    alice_client.post("/account/settings/authenticator/remove/")
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert alice_client.get("/account/settings/").status_code == 200


def test_a_passkey_is_removed_only_by_its_owner(alice: Any, alice_client: Client, charlie_client: Client) -> None:
    passkey = give_passkey(alice)
    assert charlie_client.post(f"/account/settings/passkeys/{passkey.pk}/remove/").status_code == 404
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    alice_client.post(f"/account/settings/passkeys/{passkey.pk}/remove/")
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_a_passkey_only_account_keeps_its_only_passkey(passkey_only: Any) -> None:
    client = Client()
    client.force_login(passkey_only)
    session = client.session
    session["otp_device_id"] = WebAuthnCredential.objects.get(user=passkey_only).persistent_id
    session.save()
    passkey = WebAuthnCredential.objects.get(user=passkey_only)
    client.post(f"/account/settings/passkeys/{passkey.pk}/remove/")
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_adding_a_passkey_first_asks_for_a_fresh_code(alice_client: Client) -> None:
    html = alice_client.get("/account/settings/passkeys/add/").content.decode()
    assert "First, check it is you" in html
    assert 'id="passkey-options"' not in html


def test_a_staff_reset_removes_passkeys_too(alice: Any) -> None:
    give_passkey(alice)
    services.remove_second_factors(user=alice)
    assert not WebAuthnCredential.objects.filter(user=alice).exists()
    assert not services.has_authenticator(alice)


def _guard(email: str) -> None:
    from accounts import guard

    for _ in range(5):
        guard.record_failure(email=email, address="203.0.113.5")


def test_the_guarded_first_step_offers_a_passkey_in_place_of_the_code(client: Client, alice: Any) -> None:
    give_passkey(alice)
    _guard("alice@example.org")
    html = submit_password(client, "alice@example.org", PASSWORD).content.decode()
    assert 'name="auth-code"' in html
    assert 'name="auth-passkey_response"' in html
    assert 'id="passkey-options"' in html
    # Whose passkeys these are is not known yet, so the page lists none.
    assert '"allowCredentials": []' in html


def test_a_made_up_passkey_answer_in_the_guarded_step_says_only_that_the_details_did_not_work(
    client: Client, alice: Any
) -> None:
    give_passkey(alice)
    _guard("alice@example.org")
    submit_password(client, "alice@example.org", PASSWORD)
    response = client.post(
        "/account/sign-in/",
        {
            WIZARD: "auth",
            "auth-username": "alice@example.org",
            "auth-password": PASSWORD,
            "auth-code": "",
            "auth-passkey_response": '{"id": "AQEBAQ", "type": "public-key", "response": {}}',
        },
    )
    assert "Those details did not work" in response.content.decode()
    assert not is_verified(client)
