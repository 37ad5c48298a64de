"""Only the owner ever reads a diary: not the database, not another person, not staff, not logs, errors or emails."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib import admin
from django.core import mail
from django.db import connection
from django.test import Client

from diary.models import DiaryEntry
from tests.diary.conftest import MARKER
from tests.diary.helpers import form_data, make_entry, write
from tests.factories import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _rows_containing(phrase: str) -> list[str]:
    """Every table in the database, every row, read back with raw SQL: where does the phrase appear?"""
    found = []
    needle = phrase.casefold()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("latin-1")
                    if needle in str(value).casefold():
                        found.append(table)
    return found


def _diary_tables() -> list[str]:
    with connection.cursor() as cursor:
        return [table for table in connection.introspection.table_names(cursor) if table.startswith("diary_")]


def test_a_marker_written_through_the_pages_is_nowhere_in_the_database(alice: Any, alice_client: Client) -> None:
    response = write(
        alice_client,
        text=f"Today {MARKER} happened.",
        other_feelings=f"{MARKER} feeling",
        helped_note=f"{MARKER} helped",
    )
    entry = DiaryEntry.objects.get(owner=alice)
    alice_client.post(f"/diary/{entry.pk}/edit/", form_data(text=f"Changed: {MARKER}", version="1"))
    alice_client.post("/diary/feelings/", {"words": f"Calm\n{MARKER}"})
    alice_client.post("/diary/", {"words": MARKER})
    alice_client.get("/diary/export/csv/")
    # Writing sent after the session ended is kept too, sealed.
    expired = signed_in_client(alice)
    expired.get("/diary/new/")
    expired.session.flush()
    keeper = alice_client.get("/diary/new/").context["keeper"]
    expired.post("/diary/new/", form_data(text=f"Late {MARKER}", keeper=keeper))

    assert response.status_code == 302
    assert set(_diary_tables()) >= {
        "diary_diaryentry",
        "diary_feelingslist",
        "diary_keptdraft",
        "diary_diaryentry_helped_guides",
        "diary_diaryentry_helped_steps",
    }
    assert _rows_containing(MARKER) == []
    # What the page shows is what was written: the scan above really looks at the rows.
    assert MARKER in alice_client.get(f"/diary/{entry.pk}/").content.decode()
    make_user(f"{MARKER.lower()}@example.org")
    assert _rows_containing(MARKER) != []


@pytest.fixture
def alices_entry(alice: Any) -> DiaryEntry:
    return make_entry(alice, text=f"Private: {MARKER}")


@pytest.mark.parametrize("suffix", ["", "edit/", "delete/"])
def test_another_person_gets_404_for_an_entrys_pages(
    alices_entry: DiaryEntry, charlie_client: Client, suffix: str
) -> None:
    for method in ("get", "post"):
        response = getattr(charlie_client, method)(f"/diary/{alices_entry.pk}/{suffix}", form_data(version="1"))
        assert response.status_code == 404, (suffix, method)
        assert MARKER not in response.content.decode()
    alices_entry.refresh_from_db()
    assert alices_entry.text == f"Private: {MARKER}" and alices_entry.version == 1


@pytest.mark.parametrize(
    "path",
    [
        "/diary/",
        "/diary/?mood=3",
        "/diary/chart/?range=all",
        "/diary/what-works-for-me/?range=all",
        "/diary/export/",
        "/diary/export/print/",
        "/diary/export/csv/",
        "/diary/feelings/",
    ],
)
def test_another_person_sees_only_their_own_diary(alices_entry: DiaryEntry, charlie_client: Client, path: str) -> None:
    response = charlie_client.get(path)
    assert response.status_code == 200
    assert MARKER not in response.content.decode()
    assert f"/diary/{alices_entry.pk}/" not in response.content.decode()


def test_another_persons_search_finds_nothing_of_hers(
    alices_entry: DiaryEntry, charlie: Any, charlie_client: Client
) -> None:
    make_entry(charlie, text="Charlie's own day")
    response = charlie_client.post("/diary/", {"words": MARKER})
    assert "0 matching entries" in response.content.decode()


def test_staff_cannot_read_a_diary(alices_entry: DiaryEntry) -> None:
    staff = signed_in_client(make_user("staff@example.org", is_staff=True, is_superuser=True))
    assert staff.get(f"/diary/{alices_entry.pk}/").status_code == 404
    assert not [model for model in admin.site._registry if model._meta.app_label == "diary"]
    assert staff.get("/admin/diary/").status_code == 404
    for path in ["/admin/", f"/admin/accounts/user/{alices_entry.owner_id}/change/", "/admin/accounts/user/?q=Private"]:
        response = staff.get(path)
        assert response.status_code == 200, path
        assert MARKER not in response.content.decode(), path


def test_no_diary_text_in_logs_even_with_every_query_logged(alice: Any, alice_client: Client, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    connection.force_debug_cursor = True
    try:
        write(alice_client, text=f"Log test {MARKER}", other_feelings=MARKER, helped_note=MARKER)
        entry = DiaryEntry.objects.get(owner=alice)
        alice_client.get(f"/diary/{entry.pk}/")
        alice_client.post(f"/diary/{entry.pk}/edit/", form_data(text=f"Edited {MARKER}", version="1"))
        alice_client.post(f"/diary/{entry.pk}/edit/", form_data(text=f"Stale {MARKER}", version="1"))
        alice_client.post("/diary/", {"words": MARKER})
        alice_client.get("/diary/export/csv/")
    finally:
        connection.force_debug_cursor = False
    assert any("diary_diaryentry" in record.getMessage() for record in caplog.records)  # queries were logged
    logged = "\n".join(f"{record.getMessage()} {record.exc_text or ''} {record.args!r}" for record in caplog.records)
    assert MARKER not in logged


def test_an_error_shows_no_diary_text_on_the_page_in_logs_or_in_the_email_to_staff(
    alice: Any, alice_client: Client, caplog: Any, settings: Any
) -> None:
    settings.ADMINS = [("Staff", "staff@example.org")]
    entry = make_entry(alice, text=f"Written {MARKER}", feelings=["Calm"])
    # The feelings column is damaged (here: a token from another column): reading it fails.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE diary_diaryentry SET feelings = text WHERE id = %s", [entry.pk])
    alice_client.raise_request_exception = False
    caplog.set_level(logging.DEBUG)

    response = alice_client.post(f"/diary/{entry.pk}/edit/", form_data(text=f"Sent {MARKER}", version="1"))

    assert response.status_code == 500
    page = response.content.decode()
    assert MARKER not in page and "v1:old:" not in page
    assert any(record.levelno >= logging.ERROR for record in caplog.records)
    logged = "\n".join(f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records)
    assert MARKER not in logged
    assert len(mail.outbox) == 1  # the error report to staff
    report = mail.outbox[0].body + "".join(str(content) for content, _ in mail.outbox[0].alternatives)
    assert "DecryptionError" in report
    assert MARKER not in report and "v1:old:" not in report
    entry.refresh_from_db(fields=["version"])
    assert entry.version == 1


def test_no_email_is_sent_about_the_diary(alice: Any, alice_client: Client) -> None:
    write(alice_client, text=f"Mail test {MARKER}")
    entry = DiaryEntry.objects.get(owner=alice)
    alice_client.post(f"/diary/{entry.pk}/delete/")
    assert mail.outbox == []


def test_every_diary_address_shows_another_person_nothing_of_hers(
    alices_entry: DiaryEntry, charlie_client: Client
) -> None:
    """Read from the URLconf, so a new diary page is covered the moment it exists."""
    from django.urls import URLPattern, get_resolver

    (diary_urls,) = [entry for entry in get_resolver().url_patterns if getattr(entry, "namespace", "") == "diary"]
    patterns: list[URLPattern] = list(diary_urls.url_patterns)  # type: ignore[attr-defined]
    assert len(patterns) >= 12
    for pattern in patterns:
        takes_an_entry = "pk" in pattern.pattern.regex.groupindex
        path = "/diary/" + str(pattern.pattern).replace("<int:pk>", str(alices_entry.pk))
        for method in ("get", "post"):
            response = getattr(charlie_client, method)(path, form_data(version="1"))
            if takes_an_entry:
                assert response.status_code == 404, (path, method)
            assert MARKER not in response.content.decode(), (path, method)
    alices_entry.refresh_from_db()
    assert (alices_entry.text, alices_entry.version) == (f"Private: {MARKER}", 1)
    assert DiaryEntry.objects.filter(owner=alices_entry.owner).count() == 1
