from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.test import Client

from accounts.models import QueuedEmail, User
from tests.factories import run_tasks

pytestmark = pytest.mark.django_db
# The task worker commits as it goes, as in production: tests that run it use real transactions.
WORKER = pytest.mark.django_db(transaction=True)

GOOD = {
    "email": "new.person@example.org",
    "password1": "a-long and unusual pass",
    "password2": "a-long and unusual pass",
    "role": "witness",
}


def _past_the_age_question(client: Client) -> None:
    response = client.post("/account/start/", {"is_16_or_over": "yes"})
    assert response["Location"] == "/account/signup/"


def _confirmation_code() -> str:
    run_tasks()
    return re.search(r"\b(\d{4}-\d{4})\b", mail.outbox[-1].body).group(1)


def test_sign_up_makes_an_unverified_account_with_a_role_and_does_not_sign_in(client: Client) -> None:
    _past_the_age_question(client)
    response = client.post("/account/signup/", GOOD)

    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    user = User.objects.get(email="new.person@example.org")
    assert user.role == "witness"
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session


@WORKER
@WORKER
def test_the_confirmation_email_is_neutral(client: Client) -> None:
    _past_the_age_question(client)
    client.post("/account/signup/", GOOD)
    assert mail.outbox == []  # sent by the task worker
    run_tasks()

    message = mail.outbox[-1]
    assert message.subject == "Confirm your email address"
    assert message.from_email == "Account notifications <no-reply@localhost>"
    words = (message.subject + message.body + message.alternatives[0][0]).lower()
    for revealing in ["crime", "victim", "abuse", "support", "diary", "safe"]:
        assert revealing not in words


@WORKER
@WORKER
def test_confirming_the_email_by_code_does_not_sign_in(client: Client) -> None:
    _past_the_age_question(client)
    client.post("/account/signup/", GOOD)
    code = _confirmation_code()

    html = client.get("/account/confirm-email/").content.decode()
    assert "We have sent a code to the email address you gave" in html
    response = client.post("/account/confirm-email/", {"action": "verify", "code": code})

    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/"
    assert EmailAddress.objects.get(email="new.person@example.org").verified
    assert "_auth_user_id" not in client.session
    assert client.session["two_factor_setup_allowed_for"] == User.objects.get(email="new.person@example.org").pk


@WORKER
def test_the_email_carries_a_code_and_no_link(client: Client) -> None:
    _past_the_age_question(client)
    client.post("/account/signup/", GOOD)
    _confirmation_code()
    assert "http" not in mail.outbox[-1].body
    assert "href" not in mail.outbox[-1].alternatives[0][0]


def test_a_wrong_code_says_so_at_the_top_and_confirms_nothing(client: Client) -> None:
    _past_the_age_question(client)
    client.post("/account/signup/", GOOD)
    html = client.post("/account/confirm-email/", {"action": "verify", "code": "0000-0000"}).content.decode()
    main = html.split('id="main-content"')[1]
    assert main.index("govuk-error-summary") < main.index("<h1")
    assert "That code is not right" in main
    assert not EmailAddress.objects.get(email="new.person@example.org").verified


@WORKER
def test_the_code_works_only_in_the_browser_that_signed_up(client: Client) -> None:
    _past_the_age_question(client)
    client.post("/account/signup/", GOOD)
    code = _confirmation_code()
    other_browser = Client()
    response = other_browser.post("/account/confirm-email/", {"action": "verify", "code": code})
    assert response.status_code == 200
    assert "sign in</a> with your email address and password in this browser" in response.content.decode()
    assert not EmailAddress.objects.get(email="new.person@example.org").verified


def test_an_old_confirmation_link_explains_codes(client: Client) -> None:
    response = client.get("/account/confirm-email/MTA:1abc:xyz/")
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_under_16_gets_a_kind_page_and_no_account(client: Client) -> None:
    response = client.post("/account/start/", {"is_16_or_over": "no"}, follow=True)
    html = response.content.decode()
    assert "There is support for you" in html
    assert "Childline" in html
    assert "0800 1111" in html
    # And the sign-up form stays closed to them.
    assert client.get("/account/signup/")["Location"] == "/account/start/"
    assert client.post("/account/signup/", GOOD)["Location"] == "/account/start/"
    assert not User.objects.exists()


def test_the_age_question_needs_an_answer(client: Client) -> None:
    response = client.post("/account/start/", {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_is_16_or_over_0"' in html
    assert "Select yes if you are 16 or over" in html


def test_sign_up_form_is_closed_without_the_age_question(client: Client) -> None:
    assert client.get("/account/signup/")["Location"] == "/account/start/"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": ""}, "email", "Enter your email address"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password1": "password123", "password2": "password123"}, "password1", "too common"),
        ({"password2": "something else entirely"}, "password2", "same password"),
        ({"role": ""}, "role", "Select which describes you best"),
        ({"role": "admin"}, "role", "Select a valid choice"),
    ],
)
def test_bad_sign_up_input_gets_an_error_summary_and_makes_nothing(
    client: Client, change: dict, field: str, message: str
) -> None:
    _past_the_age_question(client)
    response = client.post("/account/signup/", {**GOOD, **change})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message.lower() in html.lower()
    assert f'href="#id_{field}' in html
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()


@WORKER
@WORKER
def test_a_duplicate_email_is_not_revealed_but_the_owner_is_told(client: Client, alice) -> None:
    """Whether someone has an account here is private: the page is the same, the owner gets an email."""
    _past_the_age_question(client)
    response = client.post("/account/signup/", {**GOOD, "email": "alice@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert User.objects.filter(email="alice@example.org").count() == 1
    run_tasks()
    assert mail.outbox[-1].to == ["alice@example.org"]
    assert mail.outbox[-1].subject == "About your account"


def test_sign_up_is_limited_by_accounts_made_and_says_the_real_wait(client: Client, settings) -> None:
    settings.SIGNUP_ACCOUNTS_PER_HOUR = 3
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for number in range(3):
            _past_the_age_question(client)
            client.post("/account/signup/", {**GOOD, "email": f"person{number}@example.org"})
            clock.shift(datetime.timedelta(minutes=10))
        _past_the_age_question(client)
        response = client.post("/account/signup/", {**GOOD, "email": "one.more@example.org"})

        assert response.status_code == 429
        html = response.content.decode()
        # The first sign-up stops counting an hour after it was made: 30 minutes from now.
        assert "you can create one again in 30 minutes" in html
        assert "shared connection" in html
        assert not User.objects.filter(email="one.more@example.org").exists()

        clock.shift(datetime.timedelta(minutes=31))
        _past_the_age_question(client)
        response = client.post("/account/signup/", {**GOOD, "email": "one.more@example.org"})
        assert response.status_code == 302
        assert User.objects.filter(email="one.more@example.org").exists()


def test_forms_sent_back_with_mistakes_do_not_count_towards_the_limit(client: Client, settings) -> None:
    settings.SIGNUP_ACCOUNTS_PER_HOUR = 2
    for _ in range(5):
        _past_the_age_question(client)
        response = client.post("/account/signup/", {**GOOD, "password2": "not the same at all"})
        assert response.status_code == 200
    _past_the_age_question(client)
    response = client.post("/account/signup/", GOOD)
    assert response.status_code == 302
    assert User.objects.filter(email=GOOD["email"]).exists()


def test_a_taken_address_counts_the_same_as_a_new_one(client: Client, alice, settings) -> None:
    """Otherwise the limit would tell, one sign-up later, whether an address has an account."""
    settings.SIGNUP_ACCOUNTS_PER_HOUR = 2
    for email in ["alice@example.org", "alice@example.org"]:
        _past_the_age_question(client)
        assert client.post("/account/signup/", {**GOOD, "email": email}).status_code == 302
    _past_the_age_question(client)
    assert client.post("/account/signup/", GOOD).status_code == 429


def test_the_check_your_email_page_looks_the_same_for_a_new_and_a_taken_address(client: Client, alice) -> None:
    pages = []
    for email in ["someone.new@example.org", "alice@example.org", "alice@example.org"]:
        _past_the_age_question(client)
        response = client.post("/account/signup/", {**GOOD, "email": email}, follow=True)
        main = response.content.decode().split("<main")[1].split("</main>")[0]
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main))
    assert "someone.new@example.org" not in pages[0]
    assert len(set(pages)) == 1


@WORKER
@WORKER
def test_a_queued_email_is_sent_once_and_not_kept(client: Client) -> None:
    _past_the_age_question(client)
    client.post("/account/signup/", GOOD)
    assert QueuedEmail.objects.count() == 1
    run_tasks()
    run_tasks()
    assert len(mail.outbox) == 1
    assert not QueuedEmail.objects.exists()


def test_sign_up_takes_the_same_time_for_a_new_and_an_existing_address(alice, settings) -> None:
    """With a real password hash, interleaved samples of each kind: the quickest of each (the least
    disturbed by anything else the machine is doing) within half a hash of each other."""
    import time

    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = ["tests.accounts.test_signup.SlowEnoughHasher"]
    settings.ACCOUNT_RATE_LIMITS = False  # allauth: no limits at all
    started = time.perf_counter()
    make_password("a-long and unusual pass")
    one_hash = time.perf_counter() - started

    def sign_up(email: str) -> float:
        client = Client()
        _past_the_age_question(client)
        started = time.perf_counter()
        response = client.post("/account/signup/", {**GOOD, "email": email})
        took = time.perf_counter() - started
        assert response["Location"] == "/account/confirm-email/"
        return took

    new, existing = [], []
    for n in range(9):
        new.append(sign_up(f"new{n}@example.org"))
        existing.append(sign_up("alice@example.org"))
    difference = abs(min(new) - min(existing))
    assert difference < one_hash / 2, (new, existing, one_hash)


class SlowEnoughHasher(PBKDF2PasswordHasher):
    """A real hash, with enough work that skipping it would show, and few enough rounds to stay quick."""

    iterations = 300_000
