"""Queries built once per process and run again with other ids (mysupportspace/compiled.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from diary.models import DiaryEntry
from mysupportspace.compiled import CompiledQuery
from pages import home_summary
from referrals.models import ImpactCheck
from tests.factories import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def test_each_run_gives_that_ids_rows_converted_as_django_would() -> None:
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    built: list[tuple[int, ...]] = []

    def build(user_id: int) -> QuerySet[Any]:
        built.append((user_id,))
        return (
            User.objects.filter(pk=user_id)
            .annotate(entries=Count("diary_entries"))
            .values_list("email", "date_joined", "entries")
        )

    DiaryEntry.objects.create(owner=bob, date=datetime.date(2026, 11, 1), mood=3, text="A plain day.")
    query = CompiledQuery(build, arguments=1)
    with CaptureQueriesContext(connection) as captured:
        assert list(query.rows(alice.pk)) == [("alice@example.org", alice.date_joined, 0)]
        assert list(query.rows(bob.pk)) == [("bob@example.org", bob.date_joined, 1)]
    assert len(built) == 1, "built once"
    assert len(captured) == 2, "each run is one statement, counted like any other"
    rows = list(query.rows(alice.pk))
    assert isinstance(rows[0][1], datetime.datetime) and timezone.is_aware(rows[0][1])
    assert list(query.rows(10**9)) == []


def test_instances_carry_their_annotations() -> None:
    alice = make_user("alice@example.org")
    query = CompiledQuery(
        lambda user_id: User.objects.filter(pk=user_id).annotate(n=Count("diary_entries")), arguments=1
    )
    (found,) = query.instances(alice.pk)
    assert found == alice and found.email == "alice@example.org" and found.n == 0


def test_an_id_that_does_not_reach_the_sql_is_refused() -> None:
    query = CompiledQuery(lambda user_id: User.objects.all().values_list("pk"), arguments=1)
    with pytest.raises(ValueError, match="do not reach the SQL"):
        list(query.rows(1))


def test_only_integer_ids_are_taken() -> None:
    query = CompiledQuery(lambda user_id: User.objects.filter(pk=user_id).values_list("pk"), arguments=1)
    for wrong in ("1", 1.0, True):
        with pytest.raises(TypeError):
            list(query.rows(wrong))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        list(query.rows(1, 2))


def test_the_home_summary_is_each_persons_own(alice: User) -> None:
    bob = make_user("bob@example.org")
    ImpactCheck.objects.create(user=bob)
    alice_home = signed_in_client(alice).get("/account/")
    bob_home = signed_in_client(bob).get("/account/")
    assert alice_home.status_code == bob_home.status_code == 200
    assert home_summary._load(alice).latest_check_at is None
    assert home_summary._load(bob).latest_check_at is not None


def test_the_signed_in_user_is_checked_with_their_device_on_every_request(alice: User) -> None:
    client = signed_in_client(alice)
    assert client.get("/account/").status_code == 200
    alice.totpdevice_set.all().delete()  # the authenticator removed elsewhere: the session no longer holds
    assert client.get("/account/").status_code == 302


def test_every_cursor_is_closed_before_the_rows_are_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    """A part-read raw query keeps its cursor until it is collected; by then a pooled connection
    may be lent to another request. Both kinds of run read to the end and close their cursor."""
    alice = make_user("alice@example.org")
    opened: list[Any] = []
    wrapper_class = type(connections["default"])
    original = wrapper_class.cursor

    def tracked(self: Any) -> Any:
        cursor = original(self)
        opened.append(cursor)
        closing = cursor.close

        def close() -> None:
            cursor.closed_here = True
            closing()

        cursor.close = close
        return cursor

    monkeypatch.setattr(wrapper_class, "cursor", tracked)
    rows = CompiledQuery(lambda user_id: User.objects.filter(pk=user_id).values_list("pk"), arguments=1)
    people = CompiledQuery(lambda user_id: User.objects.filter(pk=user_id), arguments=1)
    assert list(rows.rows(alice.pk)) == [(alice.pk,)]
    found = people.instances(alice.pk)
    assert isinstance(found, list) and found == [alice]
    assert opened and all(getattr(cursor, "closed_here", False) for cursor in opened)
