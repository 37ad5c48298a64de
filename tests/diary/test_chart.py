"""How a person is doing: the mood chart (SVG and table) and "what works for me"."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from diary.models import DiaryEntry
from guides import services as guides_services
from tests.diary.helpers import form_data, make_entry, make_many
from tests.guides.factories import add_step, make_guide

pytestmark = pytest.mark.django_db


def _table_rows(page: str) -> list[list[str]]:
    """The table's body as text, cell by cell."""
    body = page[page.index('<tbody class="govuk-table__body">') : page.index("</tbody>")]
    rows = []
    for row in body.split("</tr>"):
        cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.split(r"</t[hd]>", row)[:-1]]
        if cells:
            rows.append(cells)
    return rows


def test_the_chart_is_an_svg_image_with_a_title_a_description_and_the_same_data_as_a_table(
    alice: Any, alice_client: Client
) -> None:
    today = timezone.localdate()
    make_entry(alice, date=today - datetime.timedelta(days=3), mood=2)
    make_entry(alice, date=today - datetime.timedelta(days=1), mood=4)
    make_entry(alice, date=today - datetime.timedelta(days=1), mood=5)
    make_entry(alice, date=today - datetime.timedelta(days=40), mood=1)  # outside the 30 days

    page = alice_client.get("/diary/chart/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">Your mood: last 30 days</title>' in svg
    assert "3 entries on 2 days" in svg and "Highest: Good" in svg and "Lowest: Low" in svg
    assert svg.count("<circle") == 2 and "<polyline" in svg
    # Each point sits where the line passes, and every coordinate has one decimal place.
    points = re.findall(r'<circle class="app-diary-chart__point" cx="(\d+\.\d)" cy="(\d+\.\d)" r="5"/>', svg)
    line = re.search(r'<polyline class="app-diary-chart__line" fill="none" points="([^"]+)"/>', svg)
    assert line is not None and [",".join(point) for point in points] == line.group(1).split(" ")
    assert (
        len(re.findall(r'<line class="app-diary-chart__grid" x1="\d+" x2="\d+" y1="\d+\.\d" y2="\d+\.\d"/>', svg)) == 5
    )
    assert "Very low" in svg and "Very good" in svg  # the scale is in words
    assert "style=" not in page  # the Content-Security-Policy allows no inline styles

    day = today - datetime.timedelta(days=3)
    other = today - datetime.timedelta(days=1)
    assert _table_rows(page) == [
        [f"{day.day} {day:%B %Y}", "Low", "2.0", "1"],
        [f"{other.day} {other:%B %Y}", "Good", "4.5", "2"],
    ]


def test_the_ranges_are_30_days_90_days_and_all_time(alice: Any, alice_client: Client) -> None:
    today = timezone.localdate()
    for days_ago in (0, 45, 200):
        make_entry(alice, date=today - datetime.timedelta(days=days_ago), mood=3)
    assert len(_table_rows(alice_client.get("/diary/chart/?range=30").content.decode())) == 1
    assert len(_table_rows(alice_client.get("/diary/chart/?range=90").content.decode())) == 2
    everything = alice_client.get("/diary/chart/?range=all").content.decode()
    assert len(_table_rows(everything)) == 3
    assert "Week starting" in everything  # more than 90 days: by week
    assert 'href="?range=all" aria-current="page"' in everything
    # Anything else falls back to 30 days.
    assert "last 30 days" in alice_client.get("/diary/chart/?range=forever").content.decode()


def test_years_of_entries_are_shown_by_month(alice: Any, alice_client: Client) -> None:
    make_many(alice, 900)
    page = alice_client.get("/diary/chart/?range=all").content.decode()
    assert "Your mood by month" in page
    assert 29 <= len(_table_rows(page)) <= 31


def test_without_entries_the_chart_page_says_so(alice_client: Client) -> None:
    page = alice_client.get("/diary/chart/").content.decode()
    assert "There are no entries in this time yet" in page and "<svg" not in page


@pytest.mark.parametrize("count", [1, 2000])
def test_the_chart_takes_the_same_number_of_queries_at_1_and_2000_entries(
    alice: Any, alice_client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    make_many(alice, count)
    for range_key in ("30", "90", "all"):
        with django_assert_max_num_queries(7):
            assert alice_client.get(f"/diary/chart/?range={range_key}").status_code == 200


# --- What works for me ---


@pytest.fixture
def saved(alice: Any) -> dict[str, Any]:
    guide = make_guide("grounding-guide", title="Grounding")
    breathing = add_step(guide, kind="technique", title="Box breathing")
    walking = add_step(guide, kind="technique", title="A mindful walk")
    for item in ({"step": breathing}, {"step": walking}, {"guide": guide}):
        guides_services.save_to_things_that_help(user=alice, **item)
    return {"guide": guide, "breathing": breathing, "walking": walking}


def test_the_entry_form_offers_the_persons_saved_techniques_and_guides(
    alice: Any, alice_client: Client, saved: dict[str, Any]
) -> None:
    page = alice_client.get("/diary/new/").content.decode()
    assert "Box breathing (from Grounding)" in page and "Grounding (guide)" in page
    response = alice_client.post(
        "/diary/new/", form_data(mood="5", helped=[f"step-{saved['breathing'].pk}", f"guide-{saved['guide'].pk}"])
    )
    entry_page = alice_client.get(response["Location"]).content.decode()
    assert "Box breathing (from Grounding)" in entry_page and f"/guides/steps/{saved['breathing'].pk}/" in entry_page


def test_only_the_persons_own_saved_items_can_be_chosen(
    alice: Any, charlie: Any, charlie_client: Client, saved: dict[str, Any]
) -> None:
    assert "Box breathing" not in charlie_client.get("/diary/new/").content.decode()
    charlie_client.post("/diary/new/", form_data(helped=[f"step-{saved['breathing'].pk}"]))
    assert not DiaryEntry.objects.get(owner=charlie).helped_steps.exists()
    guides_services.save_to_things_that_help(user=charlie, step=saved["walking"])
    response = charlie_client.post("/diary/new/", form_data(helped=[f"step-{saved['breathing'].pk}"]))
    assert "Choose from your saved techniques and guides" in response.content.decode()


def test_what_works_counts_what_helped_on_better_days(alice: Any, alice_client: Client, saved: dict[str, Any]) -> None:
    today = timezone.localdate()
    breathing, walking, guide = (
        f"step-{saved['breathing'].pk}",
        f"step-{saved['walking'].pk}",
        f"guide-{saved['guide'].pk}",
    )

    def day(n: int) -> str:
        return (today - datetime.timedelta(days=n)).isoformat()

    alice_client.post("/diary/new/", form_data(date=day(1), mood="5", helped=[breathing, guide], helped_note="Tea"))
    alice_client.post("/diary/new/", form_data(date=day(2), mood="4", helped=[breathing], helped_note="tea, music"))
    alice_client.post("/diary/new/", form_data(date=day(3), mood="1", helped=[walking, breathing]))
    alice_client.post("/diary/new/", form_data(date=day(100), mood="5", helped=[walking]))

    page = alice_client.get("/diary/what-works-for-me/").content.decode()
    rows = _table_rows(page)
    assert rows[0][-2:] == ["2", "3"] and "Box breathing" in page  # better days, all days
    assert [row[0] for row in rows] == [
        "Box breathing Technique from Grounding",
        "Tea In your own words",
        "Grounding Guide",
        "music In your own words",
        "A mindful walk Technique from Grounding",
    ]
    assert [row[1:] for row in rows] == [["2", "3"], ["2", "2"], ["1", "1"], ["1", "1"], ["0", "1"]]
    assert "You had 2 better days in 3 entries." in page
    # All time includes the walk, 100 days ago, on a better day.
    everything = _table_rows(alice_client.get("/diary/what-works-for-me/?range=all").content.decode())
    walk = next(row for row in everything if "A mindful walk" in row[0])
    assert walk[-2:] == ["1", "2"]


@pytest.mark.parametrize("count", [1, 2000])
def test_what_works_takes_the_same_number_of_queries_at_1_and_2000_entries(
    alice: Any, alice_client: Client, django_assert_max_num_queries: Any, saved: dict[str, Any], count: int
) -> None:
    make_many(alice, count, helped_guide=saved["guide"], helped_step=saved["breathing"])
    for range_key in ("30", "all"):
        with django_assert_max_num_queries(9):
            page = alice_client.get(f"/diary/what-works-for-me/?range={range_key}").content.decode()
        assert "Box breathing" in page and "a walk" in page
