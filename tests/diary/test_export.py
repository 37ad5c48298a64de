"""Taking the diary away: a page to print, a CSV file, "download my data"; and deleting it with the account."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from diary.models import DiaryEntry, FeelingsList, KeptDraft
from tests.diary.helpers import form_data, make_entry
from tests.factories import PASSWORD, current_code, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_entries(alice: Any) -> list[DiaryEntry]:
    return [
        make_entry(alice, date=datetime.date(2025, 1, 2), mood=2, text="First day\nsecond line", feelings=["Sad"]),
        make_entry(alice, date=datetime.date(2025, 2, 3), mood=5, text="=SUM(A1:A9)", helped_note="a walk, tea"),
    ]


def test_the_export_page_offers_print_csv_and_the_account_download(alice_client: Client) -> None:
    page = alice_client.get("/diary/export/").content.decode()
    assert 'href="/diary/export/print/"' in page and 'href="/diary/export/csv/"' in page
    assert 'href="/account/settings/download/"' in page


def test_the_print_page_has_the_whole_diary_oldest_first(alice_client: Client, two_entries: list[DiaryEntry]) -> None:
    page = alice_client.get("/diary/export/print/").content.decode()
    assert page.index("Thursday 2 January 2025") < page.index("Monday 3 February 2025")
    assert "First day<br>second line" in page
    assert "Low (2 out of 5)" in page and "Feelings:</strong> Sad" in page and "a walk, tea" in page
    assert 'class="app-diary-print"' in page  # what the print stylesheet keys on


def test_the_csv_has_every_entry_a_neutral_name_and_no_formulas(
    alice_client: Client, two_entries: list[DiaryEntry]
) -> None:
    response = alice_client.get("/diary/export/csv/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="notes-{timezone.localdate():%Y-%m-%d}.csv"'
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Date", "Mood (1 to 5)", "Mood", "Feelings", "Entry", "What helped", "Anything else that helped"]
    assert rows[1] == ["2025-01-02", "2", "Low", "Sad", "First day\nsecond line", "", ""]
    assert rows[2] == ["2025-02-03", "5", "Very good", "", "'=SUM(A1:A9)", "", "a walk, tea"]


def test_download_my_data_includes_the_diary(alice: Any, alice_client: Client, two_entries: list[DiaryEntry]) -> None:
    alice_client.post("/diary/feelings/", {"words": "Brave\nTired"})
    data = json.loads(alice_client.post("/account/settings/download/").content)
    diary = data["diary"]
    assert diary["feelings_list"] == ["Brave", "Tired"]
    assert [entry["text"] for entry in diary["entries"]] == ["First day\nsecond line", "=SUM(A1:A9)"]
    assert diary["entries"][1]["mood_words"] == "Very good"
    assert diary["entries"][1]["what_else_helped"] == "a walk, tea"


def test_deleting_the_account_leaves_no_diary_row(
    alice: Any, alice_client: Client, charlie: Any, two_entries: list[DiaryEntry]
) -> None:
    from tests.guides.factories import add_step, make_guide

    guide = make_guide("grounding")
    step = add_step(guide, kind="technique", title="Breathing")
    two_entries[0].helped_guides.add(guide)
    two_entries[0].helped_steps.add(step)
    alice_client.post("/diary/feelings/", {"words": "Brave"})
    # A draft kept after a sign-out, too.
    expired = signed_in_client(alice)
    keeper = expired.get("/diary/new/").context["keeper"]
    expired.session.flush()
    expired.post("/diary/new/", form_data(keeper=keeper))
    make_entry(charlie, text="Charlie stays")
    assert KeptDraft.objects.filter(owner=alice).exists()

    response = alice_client.post("/account/settings/delete/", {"password": PASSWORD, "code": current_code(alice)})

    assert response.status_code == 302
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            if table.startswith("diary_"):
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    assert counts == {
        "diary_diaryentry": 1,  # charlie's
        "diary_diaryentry_helped_guides": 0,
        "diary_diaryentry_helped_steps": 0,
        "diary_feelingslist": 0,
        "diary_keptdraft": 0,
    }
    assert DiaryEntry.objects.get().owner == charlie
    assert not FeelingsList.objects.exists()


@pytest.mark.parametrize("count", [1, 2000])
def test_the_exports_take_the_same_number_of_queries_at_1_and_2000_entries(
    alice: Any, alice_client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    from tests.diary.helpers import make_many
    from tests.guides.factories import add_step, make_guide

    guide = make_guide("grounding")
    make_many(alice, count, helped_guide=guide, helped_step=add_step(guide, kind="technique", title="Breathing"))
    for path in ("/diary/export/print/", "/diary/export/csv/"):
        with django_assert_max_num_queries(9):
            response = alice_client.get(path)
        assert "Breathing" in response.content.decode()
