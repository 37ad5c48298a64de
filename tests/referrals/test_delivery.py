"""The outbox: hand-offs reach the receiving end (a real local HTTP server) exactly once, signed,
through the real task worker, and survive the receiver or the worker being down."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from referrals.models import Handoff, HandoffStatus
from tests.referrals.conftest import SIGNING_SECRET, request_form

# The worker commits as it goes, as in production, so these tests use real transactions.
pytestmark = pytest.mark.django_db(transaction=True)


def _signature_is_valid(request: Any) -> bool:
    body = request.get_data()
    timestamp = request.headers["X-Signature-Timestamp"]
    expected = hmac.new(SIGNING_SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(request.headers["X-Signature-256"], f"sha256={expected}")


def _caseworker_posts(server: HTTPServer) -> list[Any]:
    return [request for request, _ in server.log if request.path == "/caseworker"]


def test_a_request_is_delivered_once_signed_with_an_idempotency_key(
    alice_client: Client, receiving_end: HTTPServer, run_worker: Any
) -> None:
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("ok", status=201)
    alice_client.post("/get-support/caseworker/", request_form(name="Sam"))

    run_worker()

    handoff = Handoff.objects.get()
    assert handoff.status == HandoffStatus.SENT
    assert handoff.attempts == 1
    [request] = _caseworker_posts(receiving_end)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == str(handoff.idempotency_key)
    assert _signature_is_valid(request)
    body = json.loads(request.get_data())
    assert body["name"] == "Sam"
    assert body["contact"] == {
        "method": {"code": "phone", "label": "Phone call"},
        "phone": "07700900982",
        "email": "",
        "safe_times": [{"code": "morning", "label": "Mornings"}],
        "safe_times_note": "Not on Tuesdays",
        "voicemail_safe": False,
        "text_safe": None,
        "email_safe": None,
        "how_to_contact_safely": [
            "Call 07700 900982, mornings (Not on Tuesdays).",
            "If they do not answer, do not leave a voicemail.",
            "Do not send them a text.",
            "Do not email them.",
            "Say the code word “bluebell” when you make contact.",
        ],
        "code_word": "bluebell",
    }
    assert body["reference"] == handoff.support_request.reference
    assert body["handoff"] == {"reference": handoff.reference, "made_at": handoff.created_at.isoformat()}
    # A second worker run finds nothing more to send.
    run_worker()
    assert len(_caseworker_posts(receiving_end)) == 1


def test_a_500_is_retried_later_and_delivered_exactly_once_with_the_same_key(
    alice_client: Client, receiving_end: HTTPServer, run_worker: Any
) -> None:
    receiving_end.expect_oneshot_request("/caseworker", method="POST").respond_with_data("down", status=500)
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("ok")
    alice_client.post("/get-support/caseworker/", request_form())

    run_worker()
    handoff = Handoff.objects.get()
    assert handoff.status == HandoffStatus.RETRYING
    assert handoff.last_error == "Answered HTTP 500"
    assert timedelta(seconds=29) < handoff.next_attempt_at - timezone.now() <= timedelta(seconds=30)

    # Not before the delay...
    run_worker()
    assert len(_caseworker_posts(receiving_end)) == 1
    # ...and after it, once.
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        run_worker()
        run_worker()

    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.SENT
    assert handoff.attempts == 2
    posts = _caseworker_posts(receiving_end)
    assert len(posts) == 2
    assert {request.headers["Idempotency-Key"] for request in posts} == {str(handoff.idempotency_key)}
    assert [response.status_code for request, response in receiving_end.log if request.path == "/caseworker"] == [
        500,
        200,
    ]


def test_a_timeout_is_retried(alice_client: Client, receiving_end: HTTPServer, run_worker: Any, settings: Any) -> None:
    settings.REFERRALS_DELIVERY_TIMEOUT_SECONDS = 0.3
    release = threading.Event()

    def too_slow(request: Request) -> Response:
        release.wait(5)
        return Response("late")

    receiving_end.expect_oneshot_request("/caseworker", method="POST").respond_with_handler(too_slow)
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("ok")
    alice_client.post("/get-support/caseworker/", request_form())

    run_worker()
    release.set()

    handoff = Handoff.objects.get()
    assert handoff.status == HandoffStatus.RETRYING
    assert handoff.last_error == "Timed out"
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        run_worker()
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.SENT


def test_a_400_is_not_retried_and_staff_are_told_in_neutral_words(
    alice_client: Client, receiving_end: HTTPServer, run_worker: Any
) -> None:
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("bad", status=400)
    alice_client.post("/get-support/caseworker/", request_form(name="Sam"))

    run_worker()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        run_worker()

    handoff = Handoff.objects.get()
    assert handoff.status == HandoffStatus.FAILED
    assert handoff.attempts == 1
    assert len(_caseworker_posts(receiving_end)) == 1
    alerts = [message for message in mail.outbox if message.subject == "An item needs attention"]
    assert len(alerts) == 1
    assert alerts[0].to == ["team@example.org"]
    assert handoff.reference in alerts[0].body
    assert "refused by the receiving system" in alerts[0].body
    assert "after several tries" not in alerts[0].body
    assert "sam" not in alerts[0].body.lower()


def test_retries_grow_then_stop_at_the_limit_and_staff_are_told(
    alice_client: Client, receiving_end: HTTPServer, run_worker: Any, settings: Any
) -> None:
    settings.REFERRALS_DELIVERY_MAX_ATTEMPTS = 4
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("down", status=503)
    alice_client.post("/get-support/caseworker/", request_form())

    delays = []
    moment = timezone.now()
    for _ in range(4):
        with time_machine.travel(moment):
            run_worker()
        handoff = Handoff.objects.get()
        if handoff.next_attempt_at:
            delays.append(round((handoff.next_attempt_at - handoff.last_attempt_at).total_seconds()))
            moment = handoff.next_attempt_at + timedelta(seconds=1)

    assert delays == [30, 60, 120]
    handoff = Handoff.objects.get()
    assert handoff.status == HandoffStatus.FAILED
    assert handoff.attempts == 4
    assert len(_caseworker_posts(receiving_end)) == 4
    [alert] = [m for m in mail.outbox if m.subject == "An item needs attention"]
    assert "could not be passed on automatically, after 4 tries" in alert.body
    assert "refused" not in alert.body


def test_a_network_error_is_retried(alice_client: Client, settings: Any, run_worker: Any) -> None:
    # Nothing listens on this port: the connection is refused.
    settings.REFERRALS_CASEWORKER_ENDPOINT = "http://127.0.0.1:9/caseworker"
    settings.REFERRALS_SIGNING_SECRET = SIGNING_SECRET
    alice_client.post("/get-support/caseworker/", request_form())
    run_worker()
    handoff = Handoff.objects.get()
    assert handoff.status == HandoffStatus.RETRYING
    assert handoff.last_error.startswith("Network error")


def test_with_the_worker_stopped_nothing_is_lost_and_a_restart_delivers(
    alice_client: Client, receiving_end: HTTPServer, run_worker: Any
) -> None:
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("ok")
    # The worker is not running: requests queue up.
    alice_client.post("/get-support/caseworker/", request_form())
    alice_client.post("/get-support/caseworker/", request_form())
    assert _caseworker_posts(receiving_end) == []
    assert set(Handoff.objects.values_list("status", flat=True)) == {HandoffStatus.PENDING}

    run_worker()  # started again

    assert set(Handoff.objects.values_list("status", flat=True)) == {HandoffStatus.SENT}
    assert len(_caseworker_posts(receiving_end)) == 2


def test_the_sweep_requeues_a_hand_off_whose_task_was_lost(
    alice_client: Client, receiving_end: HTTPServer, run_worker: Any
) -> None:
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("ok")
    alice_client.post("/get-support/caseworker/", request_form())
    DBTaskResult.objects.all().delete()  # as if the process died between commit and queueing

    run_worker()
    assert Handoff.objects.get().status == HandoffStatus.PENDING

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        call_command("sweep_handoffs", verbosity=0)
        run_worker()
    assert Handoff.objects.get().status == HandoffStatus.SENT
    assert len(_caseworker_posts(receiving_end)) == 1


def test_the_sweep_leaves_alone_what_is_not_overdue(alice_client: Client, receiving_end: HTTPServer) -> None:
    alice_client.post("/get-support/caseworker/", request_form())
    tasks_before = DBTaskResult.objects.count()
    call_command("sweep_handoffs", verbosity=0)
    assert DBTaskResult.objects.count() == tasks_before


def test_the_same_hand_off_queued_twice_is_sent_once(
    alice_client: Client, receiving_end: HTTPServer, run_worker: Any
) -> None:
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("ok")
    alice_client.post("/get-support/caseworker/", request_form())
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        call_command("sweep_handoffs", verbosity=0)  # a second task for the same hand-off
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_handoff").count() == 2
    run_worker()
    assert len(_caseworker_posts(receiving_end)) == 1


def test_without_an_endpoint_hand_offs_stay_for_the_queue(alice_client: Client, run_worker: Any) -> None:
    alice_client.post("/get-support/caseworker/", request_form())
    run_worker()
    handoff = Handoff.objects.get()
    assert handoff.status == HandoffStatus.KEPT
    assert handoff.get_status_display() == "Not sent externally (kept for the caseworker queue)"
    assert not DBTaskResult.objects.filter(task_path__endswith="deliver_handoff").exists()


def test_the_team_is_told_of_a_new_request_in_neutral_words(
    alice_client: Client, run_worker: Any, settings: Any
) -> None:
    settings.REFERRALS_TEAM_EMAILS = ["team@example.org", "lead@example.org"]
    alice_client.post("/get-support/caseworker/", request_form(name="Sam Smith", message="He followed me"))
    run_worker()
    assert [message.to for message in mail.outbox] == [["team@example.org"], ["lead@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "A new request is waiting"
    text = (message.subject + message.body + str(message.alternatives)).lower()
    for revealing in ["sam", "followed", "crime", "abuse", "victim", "caseworker", "07700", "support"]:
        assert revealing not in text


def test_a_new_request_naming_an_area_goes_to_that_areas_team_as_well_as_the_whole_team(
    alice_client: Client, run_worker: Any, settings: Any
) -> None:
    settings.REFERRALS_TEAM_EMAILS = ["team@example.org", "kent-lead@example.org"]
    settings.REFERRALS_AREA_TEAM_EMAILS = {"kent": ["kent@example.org", "kent-lead@example.org"]}
    alice_client.post("/get-support/caseworker/", request_form(area="kent"))
    run_worker()
    # The whole team still hears of every request; someone in both lists gets one email, not two.
    assert [message.to for message in mail.outbox] == [
        ["team@example.org"],
        ["kent-lead@example.org"],
        ["kent@example.org"],
    ]
    mail.outbox.clear()
    settings.REFERRALS_TEAM_EMAILS = ["team@example.org"]
    alice_client.post("/get-support/caseworker/", request_form(area="sussex"))
    alice_client.post("/get-support/caseworker/", request_form())
    run_worker()
    assert [message.to for message in mail.outbox] == [["team@example.org"], ["team@example.org"]]
