from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from tests.factories import PASSWORD, current_code, signed_in_client

pytestmark = pytest.mark.django_db


def test_settings_shows_role_email_and_backup_codes_left(alice_client: Client, alice) -> None:
    services.replace_backup_codes(user=alice)
    html = alice_client.get("/account/settings/").content.decode()
    assert "I have experienced crime" in html
    assert "alice@example.org" in html
    assert "10 left" in html


def test_changing_role(alice_client: Client, alice) -> None:
    response = alice_client.post("/account/settings/role/", {"role": "supporter"})
    assert response["Location"] == "/account/settings/"
    alice.refresh_from_db()
    assert alice.role == "supporter"


def test_an_unknown_role_is_refused(alice_client: Client, alice) -> None:
    response = alice_client.post("/account/settings/role/", {"role": "staff"})
    assert "There is a problem" in response.content.decode()
    alice.refresh_from_db()
    assert alice.role == "victim"


def test_new_backup_codes_need_a_fresh_code(alice_client: Client, alice) -> None:
    old = services.replace_backup_codes(user=alice)
    response = alice_client.post("/account/settings/backup-codes/", {"code": "000000"})
    assert "That code did not work" in response.content.decode()

    # Wrong codes slow further tries down (1 s, then 2 s, 4 s...), so the right one comes a moment later.
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        response = alice_client.post("/account/settings/backup-codes/", {"code": current_code(alice)})
    assert response["Location"] == "/account/backup-codes/"
    new = re.findall(r"<code>([a-z0-9-]{11})</code>", alice_client.get("/account/backup-codes/").content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert services.check_code(user=alice, code=old[0], allow_backup_code=True) is False


def test_a_backup_code_is_not_enough_for_new_backup_codes(alice_client: Client, alice) -> None:
    codes = services.replace_backup_codes(user=alice)
    response = alice_client.post("/account/settings/backup-codes/", {"code": codes[0]})
    assert "That code did not work" in response.content.decode()


def test_replacing_the_authenticator_with_a_backup_code(alice_client: Client, alice) -> None:
    import base64
    import time

    from django_otp.oath import TOTP

    codes = services.replace_backup_codes(user=alice)
    old_key = TOTPDevice.objects.get(user=alice).key
    response = alice_client.post("/account/settings/authenticator/", {"code": codes[0]})
    assert response["Location"] == "/account/settings/authenticator/"

    html = alice_client.get("/account/settings/authenticator/").content.decode()
    key_text = re.search(r'id="setup-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    totp = TOTP(base64.b32decode(key_text + "=" * (-len(key_text) % 8)), 30, 0, 6, 0)
    totp.time = time.time()
    response = alice_client.post("/account/settings/authenticator/", {"code": f"{totp.token():06d}"})

    assert response["Location"] == "/account/backup-codes/"
    device = TOTPDevice.objects.get(user=alice)
    assert device.key != old_key
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_replacing_the_authenticator_needs_a_code_first(alice_client: Client, alice) -> None:
    response = alice_client.post("/account/settings/authenticator/", {"code": "123"})
    assert "That code did not work" in response.content.decode()
    assert 'id="setup-key"' not in response.content.decode()


def test_changing_the_password_needs_the_current_one_and_signs_out_other_sessions(alice_client: Client, alice) -> None:
    other_browser = signed_in_client(alice)
    assert other_browser.get("/account/").status_code == 200

    response = alice_client.post(
        "/account/password/change/",
        {"oldpassword": "not it", "password1": "new long passphrase 42", "password2": "new long passphrase 42"},
    )
    assert "There is a problem" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)

    response = alice_client.post(
        "/account/password/change/",
        {"oldpassword": PASSWORD, "password1": "new long passphrase 42", "password2": "new long passphrase 42"},
    )
    assert response.status_code == 302
    assert alice_client.get("/account/").status_code == 200
    assert other_browser.get("/account/").status_code == 302
    assert mail.outbox[-1].subject == "Your password was changed"


def test_changing_email_needs_the_new_address_confirmed(alice_client: Client, alice) -> None:
    response = alice_client.post("/account/email/", {"action_add": "", "email": "alice.new@example.org"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
    assert not EmailAddress.objects.filter(email="alice.new@example.org", verified=True).exists()
    message = mail.outbox[-1]
    assert message.to == ["alice.new@example.org"]
    code = re.search(r"\b(\d{4}-\d{4})\b", message.body).group(1)

    response = alice_client.post("/account/confirm-email/", {"action": "verify", "code": code})
    assert response["Location"] == "/account/email/"

    alice.refresh_from_db()
    assert alice.email == "alice.new@example.org"
    assert Session.objects.exists()


def test_the_password_change_form_speaks_plainly(alice_client: Client) -> None:
    html = alice_client.post("/account/password/change/", {}).content.decode()
    for words in [
        "Current password",
        "Enter your current password",
        "Enter a new password",
        "Enter the new password again",
    ]:
        assert words in html
    assert "This field is required" not in html
    assert "placeholder" not in html


def test_the_role_form_has_no_empty_choice(alice_client: Client) -> None:
    html = alice_client.get("/account/settings/role/").content.decode()
    assert "---------" not in html


def test_deleting_with_a_backup_code_when_the_phone_is_lost(alice_client: Client, alice) -> None:
    codes = services.replace_backup_codes(user=alice)
    response = alice_client.post("/account/settings/delete/", {"password": PASSWORD, "code": codes[0]})
    assert response["Location"] == "/account/deleted/"
