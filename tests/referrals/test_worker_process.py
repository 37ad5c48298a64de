"""The real `manage.py db_worker`, in its own process, killed part-way through a delivery and
started again: the hand-off still arrives, with the same idempotency key.

The worker process must see the test database, so this runs where the test database is a real
server (PostgreSQL). The in-memory SQLite test database cannot be shared with another process;
there the same journey runs in-process in test_delivery.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from referrals.models import Handoff, HandoffStatus
from tests.referrals.conftest import SIGNING_SECRET, request_form

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.05)


@pytest.fixture
def start_worker(receiving_end: HTTPServer) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a test database it can open too (PostgreSQL)")
    started: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "REFERRALS_CASEWORKER_ENDPOINT": receiving_end.url_for("/caseworker"),
        "REFERRALS_SIGNING_SECRET": SIGNING_SECRET,
        "REFERRALS_DELIVERY_TIMEOUT_SECONDS": "10",
    }
    env.pop("REDIS_URL", None)

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_a_worker_killed_mid_delivery_and_restarted_still_delivers(
    alice_client: Client, receiving_end: HTTPServer, start_worker: Any
) -> None:
    arrived = threading.Event()
    release = threading.Event()

    def hang_until_released(request: Request) -> Response:
        arrived.set()
        release.wait(10)
        return Response("ok")

    receiving_end.expect_oneshot_request("/caseworker", method="POST").respond_with_handler(hang_until_released)
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("ok")

    first_worker = start_worker()
    alice_client.post("/get-support/caseworker/", request_form())
    assert arrived.wait(20), "the worker never delivered"
    first_worker.kill()  # mid-delivery, before the receiver answered
    first_worker.wait(10)
    release.set()

    handoff = Handoff.objects.get()
    assert handoff.status == HandoffStatus.SENDING
    assert handoff.attempts == 1

    # Later, the sweep finds the lost attempt and queues it again...
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        call_command("sweep_handoffs", verbosity=0)
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.RETRYING

    # ...and a restarted worker delivers it.
    start_worker()
    _wait_for(lambda: Handoff.objects.get().status == HandoffStatus.SENT)
    handoff.refresh_from_db()
    assert handoff.attempts == 2
    keys = [request.headers["Idempotency-Key"] for request, _ in receiving_end.log if request.path == "/caseworker"]
    assert keys == [str(handoff.idempotency_key)] * 2


def test_a_request_made_while_the_worker_is_down_is_delivered_when_it_starts(
    alice_client: Client, receiving_end: HTTPServer, start_worker: Any
) -> None:
    receiving_end.expect_request("/caseworker", method="POST").respond_with_data("ok")
    worker = start_worker()
    alice_client.post("/get-support/caseworker/", request_form())
    _wait_for(lambda: Handoff.objects.filter(status=HandoffStatus.SENT).count() == 1)

    worker.terminate()  # a stop, as Ctrl+C or a deploy would
    # It must stop promptly; its exit code depends on where the signal found it (django-tasks-db
    # exits 1 if the signal lands while it is starting or between batches).
    worker.wait(10)
    alice_client.post("/get-support/caseworker/", request_form())
    assert Handoff.objects.filter(status=HandoffStatus.PENDING).count() == 1

    start_worker()
    _wait_for(lambda: Handoff.objects.filter(status=HandoffStatus.SENT).count() == 2)
    assert len([request for request, _ in receiving_end.log if request.path == "/caseworker"]) == 2
