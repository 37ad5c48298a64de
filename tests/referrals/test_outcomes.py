"""Honest outcomes and a way back in: closing with an outcome, what the person then sees,
and the person's own changes, withdrawal and asking again."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from referrals.models import CaseNote, ClosingOutcome, Organisation, RequestStatus, SupportRequest
from tests.referrals.conftest import request_form

pytestmark = pytest.mark.django_db

UK = ZoneInfo("Europe/London")
# Tuesday 3 and Wednesday 4 March 2026: working days.
TUESDAY_MORNING = datetime(2026, 3, 3, 9, 30, tzinfo=UK)
TUESDAY_AFTERNOON = datetime(2026, 3, 3, 14, 0, tzinfo=UK)
WEDNESDAY_AFTERNOON = datetime(2026, 3, 4, 15, 0, tzinfo=UK)
TUESDAY_EVENING = datetime(2026, 3, 3, 19, 0, tzinfo=UK)


@pytest.fixture
def alices_request(alice_client: Client) -> SupportRequest:
    alice_client.post("/get-support/caseworker/", request_form(safe_times=["morning", "afternoon"], email_safe="yes"))
    return SupportRequest.objects.get()


def _attempt(client: Client, support_request: SupportRequest, when: datetime, outcome: str = "no_answer") -> None:
    """Record an attempt as made at ``when`` (the sign-in sessions would not survive moving the clock)."""
    client.post(f"/staff/requests/{support_request.pk}/contact/", {"contact-contact_outcome": outcome})
    CaseNote.objects.filter(pk=CaseNote.objects.latest("pk").pk).update(created_at=when)


def _close(client: Client, support_request: SupportRequest, **data: Any) -> Any:
    return client.post(f"/staff/requests/{support_request.pk}/close/", {f"close-{k}": v for k, v in data.items()})


def test_closing_needs_an_outcome_from_the_list(caseworker_client: Client, alices_request: SupportRequest) -> None:
    response = _close(caseworker_client, alices_request)
    assert response.status_code == 400
    assert "Select the outcome" in response.content.decode()
    assert _close(caseworker_client, alices_request, outcome="fine").status_code == 400
    alices_request.refresh_from_db()
    assert alices_request.status == RequestStatus.NEW


def test_the_status_form_cannot_close_without_an_outcome(
    caseworker_client: Client, alices_request: SupportRequest
) -> None:
    response = caseworker_client.post(f"/staff/requests/{alices_request.pk}/status/", {"status-status": "closed"})
    assert response.status_code == 400
    alices_request.refresh_from_db()
    assert alices_request.status == RequestStatus.NEW


def test_a_referral_names_the_organisation_and_needs_consent(
    caseworker_client: Client, alice_client: Client, alices_request: SupportRequest
) -> None:
    organisation = Organisation.objects.create(slug="refuge", name="Refuge", summary="s", opening_hours="Any time")
    html = _close(caseworker_client, alices_request, outcome="referred").content.decode()
    assert "Choose the organisation you referred them to" in html
    assert "Only refer someone who agreed to it" in html
    response = _close(caseworker_client, alices_request, outcome="referred", referred_to=organisation.pk)
    assert response.status_code == 400

    _close(caseworker_client, alices_request, outcome="referred", referred_to=organisation.pk, referral_consent="on")

    alices_request.refresh_from_db()
    assert (alices_request.closing_outcome, alices_request.referred_to, alices_request.referral_consent) == (
        ClosingOutcome.REFERRED,
        organisation,
        True,
    )
    html = alice_client.get(f"/get-support/requests/{alices_request.pk}/").content.decode()
    assert "As you agreed, we passed your details to Refuge" in html


def test_could_not_reach_needs_three_failed_attempts_at_safe_times(
    caseworker_client: Client, alices_request: SupportRequest
) -> None:
    _attempt(caseworker_client, alices_request, TUESDAY_MORNING)
    _attempt(caseworker_client, alices_request, TUESDAY_EVENING)  # outside their safe times and our hours
    _attempt(caseworker_client, alices_request, WEDNESDAY_AFTERNOON)
    response = _close(caseworker_client, alices_request, outcome="not_reached")
    assert response.status_code == 400
    assert "Try at least 3 times, at times they said are safe" in response.content.decode()
    assert "Failed attempts at times they said are safe: 2 of the 3" in response.content.decode()

    _attempt(caseworker_client, alices_request, TUESDAY_AFTERNOON)
    assert _close(caseworker_client, alices_request, outcome="not_reached")["Location"] == "/staff/requests/"
    alices_request.refresh_from_db()
    assert alices_request.closing_outcome == ClosingOutcome.NOT_REACHED


def test_an_attempt_that_reached_them_does_not_count(caseworker_client: Client, alices_request: SupportRequest) -> None:
    for when in (TUESDAY_MORNING, TUESDAY_AFTERNOON):
        _attempt(caseworker_client, alices_request, when)
    _attempt(caseworker_client, alices_request, WEDNESDAY_AFTERNOON, outcome="spoke")
    assert _close(caseworker_client, alices_request, outcome="not_reached").status_code == 400


def test_the_number_of_attempts_is_a_setting(
    caseworker_client: Client, alices_request: SupportRequest, settings: Any
) -> None:
    settings.REFERRALS_MIN_ATTEMPTS = 1
    _attempt(caseworker_client, alices_request, TUESDAY_MORNING)
    assert _close(caseworker_client, alices_request, outcome="not_reached").status_code == 302


def test_the_person_reads_what_happened_in_plain_words_and_can_ask_again(
    caseworker_client: Client, alice_client: Client, alices_request: SupportRequest
) -> None:
    for when in (TUESDAY_MORNING, TUESDAY_AFTERNOON, WEDNESDAY_AFTERNOON):
        _attempt(caseworker_client, alices_request, when)
    _close(caseworker_client, alices_request, outcome="not_reached")

    html = alice_client.get(f"/get-support/requests/{alices_request.pk}/").content.decode()
    assert "Closed: we could not reach you" in html
    assert "We tried to reach you on Tuesday morning, Tuesday afternoon and Wednesday afternoon and could not." in html
    assert f'href="/get-support/requests/{alices_request.pk}/ask-again/"' in html
    assert "Closed: we could not reach you" in alice_client.get("/get-support/yours/").content.decode()


def test_a_neutral_email_is_sent_only_when_email_is_safe(
    caseworker_client: Client,
    alice_client: Client,
    alices_request: SupportRequest,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _close(caseworker_client, alices_request, outcome="supported")
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "There is an update in your account"
    assert "caseworker" not in message.body.lower() and "support" not in message.body.lower()

    mail.outbox.clear()
    alice_client.post("/get-support/caseworker/", request_form(email_safe="no"))
    unsafe = SupportRequest.objects.get(email_safe=False)
    with django_capture_on_commit_callbacks(execute=True):
        _close(caseworker_client, unsafe, outcome="supported")
    assert mail.outbox == []


def test_the_person_changes_how_to_reach_them_and_the_caseworker_sees_it(
    alice_client: Client, caseworker_client: Client, alices_request: SupportRequest
) -> None:
    page = alice_client.get(f"/get-support/requests/{alices_request.pk}/change/").content.decode()
    assert 'value="07700 900982"' in page

    # The same safety rules as asking: a text they call unsafe is refused.
    refused = alice_client.post(
        f"/get-support/requests/{alices_request.pk}/change/",
        request_form(contact_method="text", text_safe="no", safe_times=["afternoon"]),
    )
    assert "You told us a text message is not safe" in refused.content.decode()

    alice_client.post(
        f"/get-support/requests/{alices_request.pk}/change/",
        request_form(safe_times=["afternoon"], voicemail_safe="yes", email_safe="yes"),
    )
    alices_request.refresh_from_db()
    assert (alices_request.safe_times, alices_request.voicemail_safe) == (["afternoon"], True)
    note = CaseNote.objects.get(kind="person_changed")
    assert (
        note.text == "They changed safe times and whether a voicemail is safe. The summary above shows the new details."
    )
    html = caseworker_client.get(f"/staff/requests/{alices_request.pk}/").content.decode()
    assert "They changed how to reach them." in html
    assert "If they do not answer, you may leave a voicemail." in html


def test_the_person_withdraws_online(
    alice_client: Client, caseworker_client: Client, alices_request: SupportRequest
) -> None:
    assert (
        "Withdraw your request"
        in alice_client.get(f"/get-support/requests/{alices_request.pk}/withdraw/").content.decode()
    )
    alice_client.post(f"/get-support/requests/{alices_request.pk}/withdraw/")
    alices_request.refresh_from_db()
    assert (alices_request.status, alices_request.closing_outcome) == (RequestStatus.CLOSED, ClosingOutcome.WITHDREW)
    assert (
        "Closed: you withdrew this request"
        in alice_client.get(f"/get-support/requests/{alices_request.pk}/").content.decode()
    )
    html = caseworker_client.get(f"/staff/requests/{alices_request.pk}/").content.decode()
    assert "They withdrew the request." in html
    assert "The person withdrew" in html


def test_asking_again_starts_from_the_earlier_details_and_carries_its_history(
    alice_client: Client, caseworker_client: Client, alices_request: SupportRequest
) -> None:
    caseworker_client.post(
        f"/staff/requests/{alices_request.pk}/note/", {"note-text": "Tried the number twice, no answer"}
    )
    _close(caseworker_client, alices_request, outcome="supported")
    form = alice_client.get(f"/get-support/requests/{alices_request.pk}/ask-again/").content.decode()
    assert "Ask again for a caseworker" in form
    assert 'value="bluebell"' in form

    alice_client.post(f"/get-support/requests/{alices_request.pk}/ask-again/", request_form(safe_times=["afternoon"]))
    again = SupportRequest.objects.exclude(pk=alices_request.pk).get()
    assert again.follows == alices_request
    html = caseworker_client.get(f"/staff/requests/{again.pk}/").content.decode()
    assert "They asked before" in html
    assert "Tried the number twice, no answer" in html
    assert "You asked again on" in alice_client.get(f"/get-support/requests/{alices_request.pk}/").content.decode()


def test_an_open_request_cannot_be_asked_again_and_a_closed_one_cannot_change(
    alice_client: Client, caseworker_client: Client, alices_request: SupportRequest
) -> None:
    assert alice_client.get(f"/get-support/requests/{alices_request.pk}/ask-again/").status_code == 302
    _close(caseworker_client, alices_request, outcome="supported")
    assert alice_client.get(f"/get-support/requests/{alices_request.pk}/change/").status_code == 302
    assert alice_client.post(f"/get-support/requests/{alices_request.pk}/withdraw/").status_code == 302
    alices_request.refresh_from_db()
    assert alices_request.closing_outcome == ClosingOutcome.SUPPORTED


@pytest.mark.parametrize("action", ["change", "withdraw", "ask-again"])
def test_an_outsider_gets_404(charlie_client: Client, alices_request: SupportRequest, action: str) -> None:
    url = f"/get-support/requests/{alices_request.pk}/{action}/"
    assert charlie_client.get(url).status_code == 404
    assert charlie_client.post(url, request_form()).status_code == 404
    alices_request.refresh_from_db()
    assert alices_request.status == RequestStatus.NEW
    assert SupportRequest.objects.count() == 1


def test_a_request_shows_where_it_is(
    alice_client: Client, caseworker_client: Client, alices_request: SupportRequest, settings: Any
) -> None:
    from referrals.models import Handoff, HandoffStatus

    def status() -> str:
        html = alice_client.get(f"/get-support/requests/{alices_request.pk}/").content.decode()
        return html.split('id="request-status">')[1].split("<")[0]

    Handoff.objects.update(status=HandoffStatus.PENDING)
    assert status() == "Waiting to be sent to our team"
    Handoff.objects.update(status=HandoffStatus.SENT)
    assert status() == "With our team: a caseworker will get in touch"
    caseworker_client.post(f"/staff/requests/{alices_request.pk}/claim/")
    assert status() == "A caseworker is working on your request"
    _close(caseworker_client, alices_request, outcome="supported")
    assert status() == "Closed: a caseworker supported you"
