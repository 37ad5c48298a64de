"""Wrong passwords can never be used to keep the person out, and password guessing stays slow.

After SIGN_IN_GUARD_AFTER wrong passwords for one account (from anywhere), the sign-in asks for
the password and the code together and says nothing about either alone. The right password
with the right code always gets in, whoever else is trying, from wherever.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import guard
from accounts.models import SignInFailure
from tests.accounts.helpers import WIZARD, is_verified, submit_code, submit_password, submit_together
from tests.factories import PASSWORD, current_code, make_user

pytestmark = pytest.mark.django_db

ABUSER = "203.0.113.5"
ELSEWHERE = "198.51.100.7"
WRONG_PASSWORD_ANSWER = "Enter a correct email address and password"
TOGETHER_ASK = "enter your password and a code from your authenticator app together"
TOGETHER_FAILED = "Those details did not work"


def _wrong_passwords(times: int, *, email: str = "alice@example.org", address: str = ABUSER) -> list[str]:
    return [submit_password(Client(), email, f"guess {n}", REMOTE_ADDR=address).content.decode() for n in range(times)]


def test_a_wrong_password_is_answered_plainly_at_first(alice) -> None:
    page = _wrong_passwords(1)[0]
    assert WRONG_PASSWORD_ANSWER in page
    assert SignInFailure.objects.filter(account_key=guard.account_key("alice@example.org"), address=ABUSER).count() == 1


@pytest.mark.parametrize("address", [ABUSER, ELSEWHERE], ids=["same network", "elsewhere"])
def test_after_five_wrong_passwords_the_person_gets_in_with_password_and_code(alice, address: str) -> None:
    _wrong_passwords(5)
    person = Client()

    asked = submit_password(person, "alice@example.org", PASSWORD, REMOTE_ADDR=address)
    assert asked.status_code == 200
    assert TOGETHER_ASK in asked.content.decode()
    assert 'name="auth-code"' in asked.content.decode()
    assert "that ends the pause straight away" not in asked.content.decode()
    assert not is_verified(person)

    submit_together(person, "alice@example.org", PASSWORD, current_code(alice), REMOTE_ADDR=address)
    assert is_verified(person)


def test_a_backup_code_works_in_place_of_the_app_code(alice) -> None:
    from accounts import services

    codes = services.replace_backup_codes(user=alice)
    _wrong_passwords(5)
    person = Client()
    submit_together(person, "alice@example.org", PASSWORD, codes[0], REMOTE_ADDR=ELSEWHERE)
    assert is_verified(person)


def test_guarded_answers_say_nothing_about_the_password(alice) -> None:
    _wrong_passwords(5)
    wrong_password = submit_together(Client(), "alice@example.org", "another guess", "123456", REMOTE_ADDR=ABUSER)
    right_password = submit_together(Client(), "alice@example.org", PASSWORD, "123456", REMOTE_ADDR=ABUSER)
    # Asked again at once, while that wrong code pauses the person's codes: still nothing to tell them apart.
    again = submit_together(Client(), "alice@example.org", PASSWORD, "123457", REMOTE_ADDR=ABUSER)
    no_code = submit_together(Client(), "alice@example.org", PASSWORD, "", REMOTE_ADDR=ABUSER)

    def error_text(response: Any) -> str:
        return " ".join(re.findall(r'class="govuk-error-message">(.*?)</', response.content.decode(), re.S)) + " ".join(
            re.findall(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)
        )

    assert TOGETHER_FAILED in wrong_password.content.decode()
    assert wrong_password.status_code == right_password.status_code == again.status_code == no_code.status_code == 200
    assert error_text(wrong_password) == error_text(right_password) == error_text(again) == error_text(no_code)


def test_the_person_with_the_right_code_is_told_when_codes_are_paused(alice) -> None:
    _wrong_passwords(5)
    submit_together(Client(), "alice@example.org", PASSWORD, "000000", REMOTE_ADDR=ABUSER)
    page = submit_together(Client(), "alice@example.org", PASSWORD, current_code(alice), REMOTE_ADDR=ELSEWHERE)
    assert "codes are paused for 1 second" in page.content.decode()
    assert "that ends the pause straight away" in page.content.decode()


def test_without_the_password_nobody_can_slow_down_the_persons_codes(alice) -> None:
    _wrong_passwords(5)
    for n in range(20):
        submit_together(Client(), "alice@example.org", f"guess {n}", f"{n:06d}", REMOTE_ADDR=ABUSER)
    device = TOTPDevice.objects.get(user=alice)
    assert device.throttling_failure_count == 0


def test_unknown_addresses_are_guarded_the_same_way_so_nothing_tells_who_has_an_account(alice) -> None:
    known = _wrong_passwords(6, email="alice@example.org")
    unknown = _wrong_passwords(6, email="nobody@example.org")
    assert [WRONG_PASSWORD_ANSWER in page for page in known] == [WRONG_PASSWORD_ANSWER in page for page in unknown]
    assert TOGETHER_ASK in known[-1] and TOGETHER_ASK in unknown[-1]


def test_a_person_who_has_not_set_up_an_app_yet_goes_on_to_set_up(db: None) -> None:
    make_user("dana@example.org", two_factor=False)
    _wrong_passwords(5, email="dana@example.org")
    person = Client()
    response = submit_together(person, "dana@example.org", PASSWORD, "", REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 302
    assert person.get("/account/", follow=True).redirect_chain[-1][0].startswith("/account/two-factor/")


def test_the_guard_ends_when_the_wrong_passwords_are_an_hour_old(alice) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        _wrong_passwords(5)
    with time_machine.travel(now + timedelta(minutes=61), tick=False):
        person = Client()
        submit_password(person, "alice@example.org", PASSWORD, REMOTE_ADDR=ELSEWHERE)
        submit_code(person, current_code(alice))
        assert is_verified(person)


@pytest.mark.parametrize("address", [ABUSER, ELSEWHERE], ids=["same network", "elsewhere"])
def test_an_hour_of_attack_never_keeps_the_person_out_and_answers_few_guesses(alice, address: str) -> None:
    """A wrong password every minute for an hour; the person signs in every ten minutes."""
    start = timezone.now()
    answered_guesses = 0
    person_refused = 0
    for minute in range(60):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            page = Client().post(
                "/account/sign-in/",
                {WIZARD: "auth", "auth-username": "alice@example.org", "auth-password": f"guess {minute}"},
                REMOTE_ADDR=ABUSER,
            )
            answered_guesses += WRONG_PASSWORD_ANSWER in page.content.decode()
        if minute % 10 == 5:
            with time_machine.travel(start + timedelta(minutes=minute, seconds=20), tick=False):
                person = Client()
                submit_together(person, "alice@example.org", PASSWORD, current_code(alice), REMOTE_ADDR=address)
                person_refused += not is_verified(person)
    assert person_refused == 0
    # Far below the "about 30 an hour" that would still make guessing slow.
    assert answered_guesses == 5


def test_the_guard_has_no_place_for_oversized_input(alice) -> None:
    response = submit_password(Client(), "a" * 300 + "@example.org", "x", REMOTE_ADDR=ABUSER)
    assert response.status_code == 200
    assert not SignInFailure.objects.exists()


# --- Someone who has the password but not the code --------------------------------------------


def test_paused_codes_say_how_long_and_that_changing_the_password_ends_it(alice) -> None:
    now = timezone.now()
    # Someone with the password has entered eight wrong codes, the last of them just now.
    device = TOTPDevice.objects.get(user=alice)
    device.throttling_failure_count, device.throttling_failure_timestamp = 8, now
    device.save()
    with time_machine.travel(now + timedelta(seconds=10), tick=False):
        person = Client()
        submit_password(person, "alice@example.org", PASSWORD, REMOTE_ADDR=ELSEWHERE)
        page = submit_code(person, current_code(alice)).content.decode()
    # 2 ** 7 = 128 seconds after the last failure; 10 have passed.
    assert "codes are paused for 2 minutes" in page
    assert "Changing your password ends the pause at once" in page
    assert "a few seconds" not in page
    assert not is_verified(person)


def test_the_owner_is_told_neutrally_at_most_once_an_hour(alice) -> None:
    now = timezone.now()

    def abuser_tries(at: Any) -> None:
        with time_machine.travel(at, tick=False):
            abuser = Client()
            submit_password(abuser, "alice@example.org", PASSWORD, REMOTE_ADDR=ABUSER)
            submit_code(abuser, "000000")

    abuser_tries(now)
    abuser_tries(now + timedelta(seconds=2))
    assert mail.outbox == []  # one or two slips are the person's own typing
    abuser_tries(now + timedelta(seconds=5))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "About your account"
    assert "Someone used your password but not your code" in message.body
    assert "If this was not you, change your password" in message.body
    abuser_tries(now + timedelta(minutes=10))
    abuser_tries(now + timedelta(minutes=30))
    assert len(mail.outbox) == 1
    abuser_tries(now + timedelta(minutes=70))
    assert len(mail.outbox) == 2
