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


# The busiest pages, signed in, at two data sizes: a session read from the cache, the user, the
# two-factor device, then the page's own queries. The person's home (/account/) still takes 9.
PAGES = [
    "/",
    "/guides/",
    "/guides/guide-0/steps/2/",
    "/diary/",
    "/diary/chart/",
    "/get-support/",
    "/get-support/organisations/",
]


@pytest.mark.parametrize("size", [1, 200])
def test_signed_in_pages_take_at_most_six_queries_at_any_size(
    size: int, alice: Any, alice_client: Client, client: Client, django_assert_max_num_queries: Any
) -> None:
    import datetime

    from diary.models import DiaryEntry
    from tests.guides.test_queries import _build

    _build(size, alice)
    DiaryEntry.objects.bulk_create(
        DiaryEntry(owner=alice, date=timezone.localdate() - datetime.timedelta(days=n), mood=n % 5 + 1, text="x")
        for n in range(size * 5)
    )
    for url in PAGES:
        with django_assert_max_num_queries(6):
            assert alice_client.get(url).status_code == 200, url
        with django_assert_max_num_queries(2):
            assert client.get(url).status_code in {200, 302}, url
