"""Referrals fixtures: a caseworker, a receiving end for hand-offs, and the real task worker."""

from __future__ import annotations

import json
import signal
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from pytest_httpserver import HTTPServer

from referrals.models import CASEWORKERS_GROUP
from tests.factories import make_user, signed_in_client
from tests.referrals.schemas import assert_matches_schema

SIGNING_SECRET = "s" * 40


@pytest.fixture
def caseworker(db: None) -> Any:
    user = make_user("casey@example.org", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=CASEWORKERS_GROUP)[0])
    return user


@pytest.fixture
def caseworker_client(caseworker: Any) -> Client:
    return signed_in_client(caseworker)


def request_form(**overrides: Any) -> dict[str, Any]:
    """A complete, valid safe-contact form as a browser would post it."""
    data: dict[str, Any] = {
        "name": "Sam",
        "contact_method": "phone",
        "phone": "07700 900982",
        "email": "",
        "safe_times": ["morning"],
        "safe_times_note": "Not on Tuesdays",
        "voicemail_safe": "no",
        "code_word": "bluebell",
        "help_topics": ["compensation", "court"],
        "message": "",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def receiving_end(httpserver: HTTPServer, settings: Any) -> Iterator[HTTPServer]:
    """A real local HTTP server standing in for the case-management system and SilverCloud.

    Every payload it receives is checked against its published schema (schemas/*.json).
    """
    settings.REFERRALS_CASEWORKER_ENDPOINT = httpserver.url_for("/caseworker")
    settings.REFERRALS_SILVERCLOUD_ENDPOINT = httpserver.url_for("/silvercloud")
    settings.REFERRALS_SIGNING_SECRET = SIGNING_SECRET
    settings.REFERRALS_DELIVERY_TIMEOUT_SECONDS = 2
    settings.REFERRALS_TEAM_EMAILS = ["team@example.org"]
    yield httpserver
    for request, _ in httpserver.log:
        assert_matches_schema(json.loads(request.get_data()))


@pytest.fixture
def run_worker() -> Iterator[Callable[[], None]]:
    """Run the real `manage.py db_worker` until nothing is ready, as a restarted worker would.

    The worker installs its own signal handlers; they are put back afterwards.
    """
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)
