from __future__ import annotations

import logging
import re
import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import BackupCode
from tests.accounts.helpers import (
    WIZARD,
    choose_backup_code,
    is_verified,
    submit_backup_code,
    submit_code,
    submit_password,
    submit_together,
)
from tests.factories import PASSWORD, current_code, make_user, run_tasks, signed_in_client

pytestmark = pytest.mark.django_db


def test_password_then_code_signs_in_and_cycles_the_session(client: Client, alice) -> None:
    response = submit_password(client, "alice@example.org", PASSWORD)
    assert response.status_code == 200
    assert "Enter your code" in response.content.decode()
    assert "_auth_user_id" not in client.session
    key_before = client.session.session_key

    response = submit_code(client, current_code(alice))

    assert response.status_code == 302
    # Through the landing page, which sends staff where they work and everyone else home.
    assert response["Location"] == "/start/"
    assert client.get("/start/")["Location"] == "/account/"
    assert is_verified(client)
    assert client.session.session_key != key_before
    assert client.get("/account/").status_code == 200


def test_email_is_matched_whatever_its_case(client: Client, alice) -> None:
    response = submit_password(client, "Alice@Example.org", PASSWORD)
    assert "Enter your code" in response.content.decode()


def test_a_wrong_password_gets_a_calm_error(client: Client, alice) -> None:
    response = submit_password(client, "alice@example.org", "not the password")
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567"])
def test_a_malformed_code_gets_a_calm_error(client: Client, alice, code: str) -> None:
    submit_password(client, "alice@example.org", PASSWORD)
    response = submit_code(client, code)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_token-otp_token"' in html
    assert not is_verified(client)


def test_a_wrong_code_does_not_sign_in(client: Client, alice) -> None:
    submit_password(client, "alice@example.org", PASSWORD)
    wrong = f"{(int(current_code(alice)) + 1) % 1_000_000:06d}"
    response = submit_code(client, wrong)
    assert "That code did not work" in response.content.decode()
    assert not is_verified(client)


def _one_line_each(caplog: Any) -> None:
    """Every record is a single line with no traceback attached."""
    for record in caplog.records:
        assert record.exc_info is None
        assert record.exc_text is None
        assert "\n" not in record.getMessage()
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    "step_field", [None, "", "admin\nFAKE: signed in"], ids=["missing", "blank", "altered-to-no-step-of-ours"]
)
def test_a_tampered_step_field_gets_a_calm_400_and_one_log_line(
    client: Client, alice, caplog: Any, step_field: str | None
) -> None:
    client.get("/account/sign-in/")
    data = {"auth-username": "alice@example.org", "auth-password": PASSWORD}
    if step_field is not None:
        data[WIZARD] = step_field
    caplog.set_level(logging.INFO)

    response = client.post("/account/sign-in/", data)

    assert response.status_code == 400
    assert "Sorry, we could not understand that request" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert len(caplog.records) == 1
    assert caplog.records[0].levelno == logging.WARNING
    assert "step field" in caplog.records[0].getMessage()
    _one_line_each(caplog)


def test_a_post_at_the_code_step_without_its_step_field_gets_a_calm_400_and_one_log_line(
    client: Client, alice, caplog: Any
) -> None:
    submit_password(client, "alice@example.org", PASSWORD)
    caplog.set_level(logging.INFO)

    response = client.post("/account/sign-in/", {"token-otp_token": current_code(alice)})

    assert response.status_code == 400
    assert not is_verified(client)
    assert len(caplog.records) == 1
    _one_line_each(caplog)


def test_a_code_page_left_open_after_the_sign_in_expired_starts_again_calmly(
    client: Client, alice, caplog: Any
) -> None:
    client.get("/account/sign-in/")  # a fresh sign-in: the code step is not reached yet
    caplog.set_level(logging.INFO)

    response = submit_code(client, current_code(alice))

    assert response.status_code == 200
    assert 'name="auth-username"' in response.content.decode()
    assert not is_verified(client)
    _one_line_each(caplog)


def test_other_suspicious_sign_in_posts_still_log_their_traceback(client: Client, caplog: Any, settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client.get("/account/sign-in/")
    caplog.set_level(logging.INFO)

    response = client.post("/account/sign-in/", {f"field{n}": "x" for n in range(10)})

    assert response.status_code == 400
    [record] = [record for record in caplog.records if record.name == "django.security.TooManyFieldsSent"]
    assert record.exc_info is not None


def test_a_code_that_was_already_used_is_refused(alice) -> None:
    code = current_code(alice)
    first, second = Client(), Client()
    submit_password(first, "alice@example.org", PASSWORD)
    submit_code(first, code)
    assert is_verified(first)

    submit_password(second, "alice@example.org", PASSWORD)
    submit_code(second, code)
    assert not is_verified(second)


def test_a_code_from_two_steps_ago_is_refused(client: Client, alice) -> None:
    submit_password(client, "alice@example.org", PASSWORD)
    submit_code(client, current_code(alice, at=time.time() - 65))
    assert not is_verified(client)


def test_codes_are_throttled_after_failures(client: Client, alice) -> None:
    submit_password(client, "alice@example.org", PASSWORD)
    for wrong in ["000000", "000001", "000002"]:
        submit_code(client, wrong)
    # Even the right code is refused while the back-off lasts.
    response = submit_code(client, current_code(alice))
    assert not is_verified(client)
    assert "codes are paused for" in response.content.decode()


def test_a_backup_code_signs_in_once(alice) -> None:
    codes = services.replace_backup_codes(user=alice)
    client = Client()
    submit_password(client, "alice@example.org", PASSWORD)
    response = choose_backup_code(client)
    assert "Use a backup code" in response.content.decode()

    response = submit_backup_code(client, codes[3])
    assert response.status_code == 302
    assert is_verified(client)
    assert services.backup_codes_left(alice) == 9

    again = Client()
    submit_password(again, "alice@example.org", PASSWORD)
    choose_backup_code(again)
    response = submit_backup_code(again, codes[3])
    assert "That backup code did not work" in response.content.decode()
    assert not is_verified(again)


def test_backup_codes_are_stored_only_as_hashes(alice) -> None:
    codes = services.replace_backup_codes(user=alice)
    stored = list(BackupCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    for code in codes:
        plain = code.replace("-", "")
        assert all(plain not in value for value in stored)


@pytest.mark.django_db(transaction=True)  # the task worker commits as it goes
def test_an_unverified_email_cannot_sign_in_and_is_asked_for_a_new_code(client: Client) -> None:
    make_user("new@example.org", verified_email=False, two_factor=False)
    response = submit_password(client, "new@example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert "_auth_user_id" not in client.session
    run_tasks()
    assert mail.outbox[-1].subject == "Confirm your email address"
    code = re.search(r"\b(\d{4}-\d{4})\b", mail.outbox[-1].body).group(1)

    # Signing in again sends no second code: the first still works.
    submit_password(client, "new@example.org", PASSWORD)
    run_tasks()
    assert len(mail.outbox) == 1
    response = client.post("/account/confirm-email/", {"action": "verify", "code": code})
    assert response["Location"] == "/account/sign-in/"
    assert "_auth_user_id" not in client.session


def test_allauths_own_login_address_leads_to_the_two_factor_sign_in(client: Client, alice) -> None:
    response = client.get("/account/login/?next=/account/settings/")
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=%2Faccount%2Fsettings%2F"
    response = client.post("/account/login/", {"login": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_there_is_no_remember_this_browser(client: Client, alice) -> None:
    submit_password(client, "alice@example.org", PASSWORD)
    response = client.get("/account/sign-in/")
    assert "remember" not in response.content.decode().lower()
    submit_code(client, current_code(alice))
    assert not any(name.startswith("remember-cookie") for name in client.cookies)


def test_the_session_cookie_ends_with_the_browser(client: Client, alice) -> None:
    submit_password(client, "alice@example.org", PASSWORD)
    response = submit_code(client, current_code(alice))
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"]
    assert not cookie["max-age"]
    assert cookie["httponly"]


def test_the_session_ends_after_30_idle_minutes(alice_client: Client) -> None:
    assert alice_client.get("/account/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert alice_client.get("/account/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=29 + 31)):
        response = alice_client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_signing_out_ends_the_session(alice_client: Client) -> None:
    response = alice_client.post("/account/sign-out/")
    assert response.status_code == 302
    assert "_auth_user_id" not in alice_client.session
    assert alice_client.get("/account/").status_code == 302


def test_the_idle_warning_is_on_private_pages(alice_client: Client) -> None:
    html = alice_client.get("/account/").content.decode()
    assert 'id="idle-warning"' in html
    assert 'data-idle-seconds="1800"' in html


@pytest.mark.django_db(transaction=True)  # the task worker commits as it goes
def test_confirmation_emails_are_not_resent_more_than_once_in_three_minutes(client: Client) -> None:
    make_user("new@example.org", verified_email=False, two_factor=False)
    for _ in range(3):
        submit_password(client, "new@example.org", PASSWORD)
    run_tasks()
    assert len(mail.outbox) == 1


def test_an_old_session_ends_when_the_authenticator_is_replaced(alice) -> None:
    """A session verified with the old app must not live on, even on public pages."""
    old_browser = signed_in_client(alice)
    services.set_up_two_factor(user=alice, hex_key=services.new_totp_key(), verified_t=0)

    old_browser.get("/")
    assert "_auth_user_id" not in old_browser.session
    assert old_browser.get("/account/").status_code == 302


def test_a_password_only_session_is_signed_out_even_on_public_pages(client: Client, alice) -> None:
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "_auth_user_id" not in client.session
    assert "Your space" not in html


def test_wrong_codes_never_lock_the_person_out_for_long(client: Client, alice) -> None:
    """Someone with the password keeps entering wrong codes; the back-off stays at minutes, not days."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    now = timezone.now()
    for doubling in range(16):
        now += timedelta(seconds=min(2**doubling, 600) + 1)
        with time_machine.travel(now, tick=False):
            attacker = Client()
            submit_password(attacker, "alice@example.org", PASSWORD, REMOTE_ADDR=f"192.0.2.{doubling}")
            submit_code(attacker, "000000")
    assert TOTPDevice.objects.get(user=alice).throttling_failure_count <= 11

    with time_machine.travel(now + timedelta(minutes=9), tick=False):
        submit_password(client, "alice@example.org", PASSWORD)
        submit_code(client, current_code(alice))
    assert is_verified(client)


def test_a_password_reset_lifts_the_code_back_off(client: Client, alice) -> None:
    import re

    from django_otp.plugins.otp_totp.models import TOTPDevice

    for _ in range(5):
        submit_password(Client(), "alice@example.org", "wrong", REMOTE_ADDR="203.0.113.9")
    device = TOTPDevice.objects.get(user=alice)
    device.throttling_failure_count, device.throttling_failure_timestamp = 8, timezone.now()
    device.save()

    client.post("/account/password/reset/", {"email": "alice@example.org"})
    link = re.search(r"https?://[^/]+(/account/password/reset/key/[^\s]+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": "a fresh long passphrase", "password2": "a fresh long passphrase"})

    # The five wrong passwords still ask for password and code together; the code is no longer paused.
    fresh = Client()
    submit_together(
        fresh, "alice@example.org", "a fresh long passphrase", current_code(alice), REMOTE_ADDR="203.0.113.9"
    )
    assert is_verified(fresh)


def test_making_new_backup_codes_signs_out_other_browsers(alice_client: Client, alice) -> None:
    other = signed_in_client(alice)
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        alice_client.post("/account/settings/backup-codes/", {"code": current_code(alice)})
    assert alice_client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302


def test_two_racing_requests_cannot_both_use_one_code(alice) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code = current_code(alice)
    stale_copy = TOTPDevice.objects.get(user=alice)
    assert services.check_code(user=alice, code=code)
    # A second request that loaded the device before the first saved it is still refused.
    assert not services.locked_device(stale_copy).verify_token(code)
