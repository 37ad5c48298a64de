from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from pytest_httpserver import HTTPServer

from referrals.models import Destination, Handoff, HandoffStatus

pytestmark = pytest.mark.django_db


def consent_form(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Al",
        "topics": ["worry", "sleep"],
        "consent": "on",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_information_page_is_public_and_the_consent_needs_an_account(client: Client) -> None:
    html = client.get("/get-support/silvercloud/").content.decode()
    assert "SilverCloud" in html
    assert "30 programmes" in html
    response = client.get("/get-support/silvercloud/consent/")
    assert response["Location"].startswith("/account/sign-in/")


def test_the_consent_screen_lists_exactly_what_is_shared(alice_client: Client) -> None:
    html = alice_client.get("/get-support/silvercloud/consent/").content.decode()
    assert "the name or nickname you give below" in html
    assert "alice@example.org" in html
    assert "the things you would like help with" in html
    assert "and nothing else" in html


def test_agreeing_sends_exactly_the_listed_details(alice_client: Client, alice: Any) -> None:
    response = alice_client.post("/get-support/silvercloud/consent/", consent_form())
    assert response["Location"] == "/get-support/yours/"
    handoff = Handoff.objects.get()
    assert handoff.destination == Destination.SILVERCLOUD
    assert handoff.user == alice
    assert handoff.payload == {
        "schema": "silvercloud-registration/2",
        "name": "Al",
        "email": "alice@example.org",
        "topics": [{"code": "worry", "label": "Worry and anxiety"}, {"code": "sleep", "label": "Sleep"}],
        "handoff": {"reference": handoff.reference, "made_at": handoff.created_at.isoformat()},
    }


def test_nothing_is_sent_without_consent(alice_client: Client) -> None:
    html = alice_client.post("/get-support/silvercloud/consent/", consent_form(consent=None)).content.decode()
    assert "Tick the box to agree to share these details" in html
    assert not Handoff.objects.exists()


def test_a_double_post_sends_once(alice_client: Client) -> None:
    form = consent_form()
    alice_client.post("/get-support/silvercloud/consent/", form)
    alice_client.post("/get-support/silvercloud/consent/", form)
    assert Handoff.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "attempts", "words"),
    [
        (HandoffStatus.SENT, 1, "Sent"),
        (HandoffStatus.RETRYING, 1, "We are trying again"),
        (HandoffStatus.SENDING, 2, "We are trying again"),
        (HandoffStatus.FAILED, 8, "Could not be sent"),
        (HandoffStatus.KEPT, 0, "With our team"),
        (HandoffStatus.PENDING, 0, "Waiting to be sent"),
        (HandoffStatus.SENDING, 1, "Sending"),
    ],
)
def test_the_person_sees_the_status_on_their_support_page(
    alice_client: Client, status: str, attempts: int, words: str
) -> None:
    alice_client.post("/get-support/silvercloud/consent/", consent_form())
    Handoff.objects.update(status=status, attempts=attempts)
    html = alice_client.get("/get-support/yours/").content.decode()
    assert words in html
    if status == HandoffStatus.PENDING:
        assert ">Sending<" not in html
    if status == HandoffStatus.FAILED:
        assert "Here is what you can do" in html
        assert "Send my details again" in html


def test_after_a_failure_the_person_can_send_again_with_the_same_key(
    alice_client: Client, receiving_end: HTTPServer, django_capture_on_commit_callbacks: Any
) -> None:
    alice_client.post("/get-support/silvercloud/consent/", consent_form())
    handoff = Handoff.objects.get()
    Handoff.objects.update(status=HandoffStatus.FAILED, attempts=8)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        alice_client.post(f"/get-support/silvercloud/{handoff.pk}/send-again/")

    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.PENDING
    assert handoff.attempts == 0
    assert len(callbacks) == 1
    assert "Your details are waiting to be sent" in alice_client.get("/get-support/yours/").content.decode()


def test_an_outsider_cannot_send_someone_elses_again(alice_client: Client, charlie_client: Client) -> None:
    alice_client.post("/get-support/silvercloud/consent/", consent_form())
    handoff = Handoff.objects.get()
    Handoff.objects.update(status=HandoffStatus.FAILED)
    assert charlie_client.post(f"/get-support/silvercloud/{handoff.pk}/send-again/").status_code == 404
    assert Handoff.objects.get().status == HandoffStatus.FAILED


def test_the_banner_after_agreeing_promises_nothing_the_status_could_contradict(
    alice_client: Client, receiving_end: HTTPServer
) -> None:
    response = alice_client.post("/get-support/silvercloud/consent/", consent_form(), follow=True)
    html = response.content.decode()
    # No worker has taken it yet: the status says it waits, and the banner does not say it is on its way.
    assert "Waiting to be sent" in html
    assert ">Sending<" not in html
    assert "on their way" not in html
    assert "whether your details have reached SilverCloud" in html
