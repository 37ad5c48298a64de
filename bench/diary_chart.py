"""Page cost of the diary at 2,000 entries: the mood chart (the figure that matters), the list, search and summary.

Run with `make bench` (or `python bench/diary_chart.py`). It builds a throw-away test database
(SQLite in memory, or a test database beside DATABASE_URL's), signs a person in, writes 2,000
encrypted entries and times each page through the whole middleware stack. Not a test: it
prints figures, so slow machines do not fail a build.
"""

from __future__ import annotations

import base64
import datetime
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysupportspace.settings")
# Throw-away data needs no lasting key: use the configured one if any, else a fresh one.
os.environ.setdefault("DIARY_KEYRING", "bench:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.models import User  # noqa: E402
from diary import chart  # noqa: E402
from diary.models import DiaryEntry  # noqa: E402

ENTRIES = 2000
RUNS = 20


def _signed_in_client() -> tuple[User, Client]:
    user = User.objects.create_user(email="bench@example.org", password=None)
    device, _ = account_services.set_up_two_factor(user=user, hex_key=account_services.new_totp_key(), verified_t=0)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user, client


def _write_entries(user: User) -> None:
    today = timezone.localdate()
    DiaryEntry.objects.bulk_create(
        DiaryEntry(
            owner=user,
            date=today - datetime.timedelta(days=n),
            mood=n % 5 + 1,
            feelings=["Calm", "Tired"][: n % 3],
            text=f"Entry {n}. " + "An ordinary day, written down in a few plain sentences. " * 10,
            helped_note="a walk, tea" if n % 4 == 0 else "",
        )
        for n in range(ENTRIES)
    )


def _time(label: str, call: object) -> None:
    timings = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = call()  # type: ignore[operator]
            timings.append((time.perf_counter() - started) * 1000)
        status = getattr(response, "status_code", 200)
        assert status == 200, f"{label} answered {status}"
        queries = len(captured.captured_queries)
    print(
        f"{label:<44} median {statistics.median(timings):7.1f} ms   max {max(timings):7.1f} ms   {queries:>2} queries"
    )


def main() -> None:
    # Not setup_test_environment(): its instrumented template rendering would be timed too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if connection.vendor != "sqlite":
        # A database of its own, apart from the test suite's (which --reuse-db keeps).
        connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user, client = _signed_in_client()
        _write_entries(user)
        print(f"Diary with {ENTRIES} entries on {connection.vendor}, {RUNS} runs each (whole request, signed in):")
        entries = DiaryEntry.objects.owned_by(user)
        _time("mood chart, all time, built alone", lambda: chart.mood_chart(entries, "all"))
        for key in ("30", "90", "all"):
            _time(f"GET /diary/chart/?range={key}", lambda key=key: client.get(f"/diary/chart/?range={key}"))
        _time("GET /diary/what-works-for-me/?range=all", lambda: client.get("/diary/what-works-for-me/?range=all"))
        _time("GET /diary/ (first page)", lambda: client.get("/diary/"))
        _time("POST /diary/ (search all 2,000 entries)", lambda: client.post("/diary/", {"words": "ordinary 1999"}))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
