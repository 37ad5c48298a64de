"""Contact that agrees with what the person said is safe: every combination of way and answers."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from referrals.forms import CaseworkerRequestForm, OutOfHoursRequestForm, SafeContactDetailsForm
from referrals.models import SupportRequest
from tests.referrals.conftest import request_form

pytestmark = pytest.mark.django_db

METHODS = ["phone", "text", "email"]
ANSWERS = ["yes", "no", ""]
QUESTION = {"phone": "voicemail_safe", "text": "text_safe", "email": "email_safe"}


def _form_data(method: str, voicemail: str, text: str, email: str) -> dict[str, Any]:
    return request_form(
        contact_method=method,
        phone="07700 900982",
        email="sam@example.org",
        voicemail_safe=voicemail or None,
        text_safe=text or None,
        email_safe=email or None,
    )


def _expected(method: str, voicemail: str, text: str, email: str) -> str | None:
    """The rule, written out: the chosen way's question must be answered; a text or email called unsafe is refused."""
    answer = {"phone": voicemail, "text": text, "email": email}[method]
    if answer == "":
        return QUESTION[method]
    if answer == "no" and method in {"text", "email"}:
        return "contact_method"
    return None


@pytest.mark.parametrize("form_class", [CaseworkerRequestForm, OutOfHoursRequestForm, SafeContactDetailsForm])
@pytest.mark.parametrize(("method", "voicemail", "text", "email"), list(itertools.product(METHODS, *[ANSWERS] * 3)))
def test_every_combination_of_way_and_safety_answers(
    form_class: Any, method: str, voicemail: str, text: str, email: str
) -> None:
    form = form_class(_form_data(method, voicemail, text, email))
    expected = _expected(method, voicemail, text, email)
    assert form.is_valid() is (expected is None), form.errors
    if expected is None:
        contact = form.safe_contact()
        assert (contact.voicemail_safe, contact.text_safe, contact.email_safe) == tuple(
            None if answer == "" else answer == "yes" for answer in (voicemail, text, email)
        )
    else:
        assert list(form.errors) == [expected]


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("text", "You told us a text message is not safe, so we will not text you."),
        ("email", "You told us an email is not safe, so we will not email you."),
    ],
)
@pytest.mark.parametrize("url", ["/get-support/caseworker/", "/get-support/out-of-hours/"])
def test_a_way_just_called_unsafe_is_refused_with_what_to_do(
    alice_client: Client, url: str, method: str, message: str
) -> None:
    data = _form_data(method, "no", "no", "no")
    response = alice_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Choose a" in html  # says what to do instead
    assert 'href="#id_contact_method_0"' in html  # the error summary links to the choice to change
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize("url", ["/get-support/caseworker/", "/get-support/out-of-hours/"])
def test_a_call_is_allowed_when_a_voicemail_is_not_safe(alice_client: Client, url: str) -> None:
    alice_client.post(url, _form_data("phone", "no", "no", "no"))
    support_request = SupportRequest.objects.get()
    assert support_request.voicemail_safe is False
    assert "If they do not answer, do not leave a voicemail." in support_request.how_to_contact_safely()


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"contact_method": "text", "text_safe": False}, "request_text_is_safe"),
        ({"contact_method": "text", "text_safe": None}, "request_text_is_safe"),
        ({"contact_method": "email", "email_safe": False}, "request_email_is_safe"),
        ({"contact_method": "phone", "voicemail_safe": None}, "request_voicemail_answered"),
    ],
)
def test_the_database_refuses_an_unsafe_way_whoever_writes_it(
    alice_client: Client, changes: dict[str, Any], constraint: str
) -> None:
    alice_client.post("/get-support/caseworker/", request_form())
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        SupportRequest.objects.update(**changes)


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (
            {"contact_method": "phone", "voicemail_safe": "yes", "text_safe": "yes", "email_safe": "no"},
            [
                "Call 07700 900982, mornings (Not on Tuesdays).",
                "If they do not answer, you may leave a voicemail.",
                "Texts are safe.",
                "Do not email them.",
                "Say the code word “bluebell” when you make contact.",
            ],
        ),
        (
            {"contact_method": "text", "text_safe": "yes", "voicemail_safe": "no", "code_word": ""},
            [
                "Text 07700 900982, mornings (Not on Tuesdays).",
                "Do not email them.",
                "Do not leave a voicemail.",
                "They did not choose a code word.",
            ],
        ),
        (
            {
                "contact_method": "email",
                "email": "sam@example.org",
                "email_safe": "yes",
                "voicemail_safe": None,
                "safe_times": ["any"],
                "safe_times_note": "",
            },
            [
                "Email sam@example.org, any time we are open.",
                "Do not send them a text.",
                "Say the code word “bluebell” when you make contact.",
            ],
        ),
    ],
)
def test_caseworkers_get_one_unambiguous_summary(
    alice_client: Client, caseworker_client: Client, data: dict[str, Any], lines: list[str]
) -> None:
    alice_client.post("/get-support/caseworker/", request_form(**data))
    support_request = SupportRequest.objects.get()
    assert support_request.how_to_contact_safely() == lines
    html = caseworker_client.get(f"/staff/requests/{support_request.pk}/").content.decode()
    for line in lines:
        assert f"<li>{line}</li>" in html.replace("&quot;", '"')
