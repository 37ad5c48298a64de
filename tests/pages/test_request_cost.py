"""What every request costs: no sync/async switches under the WSGI server, session writes only when needed."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_middleware_stack_never_switches_between_sync_and_async_under_wsgi(caplog: Any, settings: Any) -> None:
    settings.DEBUG = True  # Django names each switch it makes only in DEBUG
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        WSGIHandler()
    adapted = [record.getMessage() for record in caplog.records if "adapted" in record.getMessage()]
    assert adapted == []


def test_static_files_are_still_served_by_the_app(client: Client) -> None:
    from django.contrib.staticfiles.storage import staticfiles_storage

    response = client.get(staticfiles_storage.url("css/main.css"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert "immutable" in response["Cache-Control"]


def _expiry(client: Client) -> Any:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_reading_pages_writes_the_session_at_most_once_a_minute(alice_client: Client) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        alice_client.get("/account/")
        written = _expiry(alice_client)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        alice_client.get("/account/")
        assert _expiry(alice_client) == written
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        alice_client.get("/account/")
        assert _expiry(alice_client) == written + timedelta(seconds=61)


def test_the_warning_counts_down_from_the_last_write(alice_client: Client) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        alice_client.get("/account/")
    with time_machine.travel(start + timedelta(seconds=40), tick=False):
        html = alice_client.get("/account/").content.decode()
    assert 'data-idle-seconds="1760"' in html


def test_staying_signed_in_restarts_the_full_idle_time(alice_client: Client) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        alice_client.get("/account/")
    with time_machine.travel(start + timedelta(seconds=20), tick=False):
        assert alice_client.post("/account/keep-alive/").status_code == 204
        assert _expiry(alice_client) == timezone.now() + timedelta(minutes=30)


def test_a_signed_out_visitor_gets_no_session(client: Client) -> None:
    client.get("/")
    client.get("/guides/")
    assert not Session.objects.exists()


# Every page the bench measures, signed in, at two data sizes: a session read from the cache, the
# user with their two-factor device checked in the same query, then the page's own queries.
PAGES = [
    "/",
    "/account/",
    "/guides/",
    "/guides/guide-0/steps/2/",
    "/diary/",
    "/diary/chart/",
    "/get-support/",
    "/get-support/organisations/",
]


def _fill(size: int, person: Any) -> None:
    """Guides part-way through, saved items, diary entries, and everything the person's home shows."""
    import datetime
    import uuid

    from diary.models import DiaryEntry
    from referrals.models import Destination, Handoff, ImpactCheck, RequestKind, SupportRequest
    from situation.models import CaseDates, WhatHappened
    from tests.guides.test_queries import _build

    _build(size, person)
    today = timezone.localdate()
    DiaryEntry.objects.bulk_create(
        DiaryEntry(owner=person, date=today - datetime.timedelta(days=n), mood=n % 5 + 1, text="x")
        for n in range(size * 5)
    )
    WhatHappened.objects.create(user=person, crime_types=["burglary"])
    CaseDates.objects.bulk_create(
        CaseDates(user=person, court_on=today + datetime.timedelta(days=n + 1)) for n in range(size)
    )
    ImpactCheck.objects.bulk_create(ImpactCheck(user=person, outcome="low") for _ in range(size))
    requests = SupportRequest.objects.bulk_create(
        SupportRequest(
            user=person,
            kind=RequestKind.CASEWORKER,
            contact_method="phone",
            voicemail_safe=False,
            phone="07700900000",
            submission_token=uuid.uuid4(),
        )
        for _ in range(size)
    )
    Handoff.objects.bulk_create(
        Handoff(user=person, support_request=request, destination=Destination.CASEWORKER, payload={})
        for request in requests
    )
    Handoff.objects.create(user=person, destination=Destination.SILVERCLOUD, payload={})


@pytest.mark.parametrize("size", [1, 200])
def test_every_page_takes_at_most_six_queries_at_any_size(
    size: int, alice: Any, alice_client: Client, client: Client, django_assert_max_num_queries: Any
) -> None:
    _fill(size, alice)
    # The published guides are read once per process after each editor's change (guides/catalogue.py);
    # what is pinned is every request after that.
    alice_client.get("/account/")
    for url in PAGES:
        with django_assert_max_num_queries(6):
            assert alice_client.get(url).status_code == 200, url
        with django_assert_max_num_queries(2):
            assert client.get(url).status_code in {200, 302}, url


def _statements(send: Any, *args: Any) -> tuple[Any, list[str]]:
    """The response and the SQL statements it took, leaving out the transaction's own BEGIN and COMMIT
    (logged on SQLite as BEGIN IMMEDIATE, on PostgreSQL as BEGIN)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = send(*args)
    statements = [query["sql"] for query in captured.captured_queries]
    return response, [sql for sql in statements if sql not in {"BEGIN", "BEGIN IMMEDIATE", "COMMIT"}]


# Outside a test transaction, as a server runs them: atomic() then costs no SAVEPOINT statements of its own.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [1, 200])
def test_moving_on_a_step_and_writing_an_entry_take_at_most_six_queries(
    size: int, alice: Any, alice_client: Client
) -> None:
    import re
    import uuid

    _fill(size, alice)
    alice_client.get("/guides/guide-0/steps/1/")
    response, statements = _statements(alice_client.post, "/guides/guide-0/steps/1/save/", {"action": "next"})
    assert response.status_code == 302
    assert len(statements) <= 6, statements
    form = alice_client.get("/diary/new/").content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    submission = str(uuid.uuid4())
    values = {**hidden, "submission_id": submission, "date": timezone.localdate().isoformat(), "mood": "3", "text": "x"}
    response, statements = _statements(alice_client.post, "/diary/new/", values)
    assert response.status_code == 302
    assert len(statements) <= 6, statements
    # The same form sent again makes no second entry.
    alice_client.post("/diary/new/", values)
    from diary.models import DiaryEntry

    assert DiaryEntry.objects.filter(owner=alice, submission_id=submission).count() == 1


def test_a_signed_in_page_reads_the_user_and_checks_the_device_in_one_query(alice: Any, alice_client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert alice_client.get("/get-support/").status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    assert len([sql for sql in statements if '"accounts_user"' in sql]) == 1, statements
    users = [sql for sql in statements if sql.startswith('SELECT "accounts_user"')]
    assert len(users) == 1, statements
    assert "otp_totp_totpdevice" in users[0]  # the device checked in the same statement
    assert not [sql for sql in statements if sql.startswith('SELECT "otp_totp_totpdevice"')]


def test_each_persons_home_shows_only_their_own_summary(
    alice: Any, alice_client: Client, bob: Any, bob_client: Client
) -> None:
    import datetime

    from referrals.models import Destination, Handoff, HandoffStatus, ImpactCheck

    _fill(3, alice)
    ImpactCheck.objects.create(
        user=bob, outcome="low", created_at=datetime.datetime(2025, 2, 14, 12, tzinfo=datetime.UTC)
    )
    Handoff.objects.create(user=bob, destination=Destination.SILVERCLOUD, payload={}, status=HandoffStatus.FAILED)
    alices = alice_client.get("/account/").content.decode()
    bobs = bob_client.get("/account/").content.decode()
    assert "(3 saved)" in alices
    assert "saved)" not in bobs
    assert "SilverCloud registration: waiting to be sent." in alices
    assert "SilverCloud registration: could not be sent." in bobs
    assert "on 14 February" in bobs
    assert "14 February" not in alices
