"""Reading entries: newest first, a page at a time, filtered by month and mood, searched by words."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.diary.helpers import make_entry, make_many
from tests.guides.factories import make_guide

pytestmark = pytest.mark.django_db


def _dates_shown(page: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/diary/\d+/">([^<]+)</a>', page)


def test_an_empty_diary_invites_a_first_entry(alice_client: Client) -> None:
    page = alice_client.get("/diary/").content.decode()
    assert "You have not written anything yet" in page
    assert 'href="/diary/new/"' in page


def test_entries_are_listed_newest_first_a_page_at_a_time(alice: Any, alice_client: Client) -> None:
    make_many(alice, 45)
    first = alice_client.get("/diary/").content.decode()
    today = timezone.localdate()
    assert len(_dates_shown(first)) == 20
    assert _dates_shown(first)[0] == f"{today:%A} {today.day} {today:%B %Y}"
    third = alice_client.get("/diary/?page=3").content.decode()
    assert len(_dates_shown(third)) == 5
    oldest = today - datetime.timedelta(days=44)
    assert _dates_shown(third)[-1] == f"{oldest:%A} {oldest.day} {oldest:%B %Y}"
    assert 'aria-label="Page 3" aria-current="page"' in third


def test_a_page_number_past_the_end_shows_the_last_page(alice: Any, alice_client: Client) -> None:
    make_many(alice, 3)
    for page in ("99", "nonsense", "-1"):
        response = alice_client.get(f"/diary/?page={page}")
        assert response.status_code == 200
        assert "There is a problem" not in response.content.decode()


def test_entries_can_be_filtered_by_month_and_mood(alice: Any, alice_client: Client) -> None:
    make_entry(alice, date=datetime.date(2025, 3, 5), mood=2, text="March low")
    make_entry(alice, date=datetime.date(2025, 3, 9), mood=5, text="March high")
    make_entry(alice, date=datetime.date(2025, 4, 1), mood=2, text="April low")
    page = alice_client.get("/diary/").content.decode()
    assert re.search(r'<option value="2025-03"\s*>March 2025</option>', page)

    march = alice_client.get("/diary/?month=2025-03").content.decode()
    assert "March low" in march and "March high" in march and "April low" not in march
    low = alice_client.get("/diary/?mood=2").content.decode()
    assert "March low" in low and "April low" in low and "March high" not in low
    both = alice_client.get("/diary/?month=2025-03&mood=2").content.decode()
    assert "March low" in both and "March high" not in both and "April low" not in both
    assert "1 matching entry" in both


def test_filters_sent_from_the_form_go_into_the_address(alice: Any, alice_client: Client) -> None:
    make_entry(alice, date=datetime.date(2025, 3, 5), mood=2)
    response = alice_client.post("/diary/", {"month": "2025-03", "mood": "2", "words": ""})
    assert response.status_code == 302
    assert response["Location"] == "/diary/?month=2025-03&mood=2"


def test_an_unknown_filter_gets_a_clear_message(alice: Any, alice_client: Client) -> None:
    make_entry(alice, text="Still listed")
    page = alice_client.get("/diary/?month=1999-01&mood=9").content.decode()
    assert "Choose a month from the list" in page and "Choose a mood from the list" in page
    assert "Still listed" in page


def test_search_finds_words_in_text_feelings_and_what_helped(alice: Any, alice_client: Client) -> None:
    make_entry(alice, text="We walked along the Canal towpath", mood=4)
    make_entry(alice, text="Stayed in", feelings=["Lonely"])
    make_entry(alice, text="Rain all day", helped_note="canal walk with Sam")
    make_entry(alice, text="Nothing to note")

    response = alice_client.post("/diary/", {"words": "canal"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 matching entries" in page
    assert "Canal towpath" in page and "Rain all day" in page and "Stayed in" not in page
    assert "1 matching entry" in alice_client.post("/diary/", {"words": "lonely"}).content.decode()
    # Every word must be there.
    assert "1 matching entry" in alice_client.post("/diary/", {"words": "canal sam"}).content.decode()


def test_search_words_never_go_into_an_address(alice: Any, alice_client: Client) -> None:
    make_many(alice, 30)
    response = alice_client.post("/diary/", {"words": "ordinary"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "ordinary" not in response.get("Location", "")
    # The next page is asked for with a form, not a link carrying the words.
    assert 'name="page" value="2"' in page
    assert "?words=" not in page and "words=ordinary" not in page
    second = alice_client.post("/diary/", {"words": "ordinary", "page": "2"}).content.decode()
    assert len(_dates_shown(second)) == 10


def test_search_words_in_an_address_are_ignored(alice: Any, alice_client: Client) -> None:
    make_entry(alice, text="We walked along the canal")
    make_entry(alice, text="Stayed in all day")

    page = alice_client.get("/diary/?words=canal").content.decode()

    assert "matching entr" not in page
    assert "along the canal" in page and "Stayed in all day" in page
    # The search box is not filled in from the address either.
    assert 'value="canal"' not in page


def test_search_combines_with_the_filters(alice: Any, alice_client: Client) -> None:
    make_entry(alice, date=datetime.date(2025, 3, 5), mood=2, text="river walk")
    make_entry(alice, date=datetime.date(2025, 4, 5), mood=2, text="river swim")
    page = alice_client.post("/diary/", {"words": "river", "month": "2025-04"}).content.decode()
    assert "river swim" in page and "river walk" not in page


@pytest.mark.parametrize("count", [1, 2000])
def test_the_list_takes_the_same_number_of_queries_at_1_and_2000_entries(
    alice: Any, alice_client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    """Signed-in session, user and device (3) and the session's save (3), then: months, count, page (3)."""
    guide = make_guide("grounding", steps=1)
    make_many(alice, count, helped_guide=guide, helped_step=guide.steps.first())
    with django_assert_max_num_queries(9):
        assert alice_client.get("/diary/?page=2&mood=3").status_code == 200
    with django_assert_max_num_queries(9):
        assert alice_client.get("/diary/").status_code == 200
    with django_assert_max_num_queries(9):
        assert alice_client.post("/diary/", {"words": "ordinary"}).status_code == 200


def test_the_list_shows_the_start_of_a_long_entry_and_all_of_a_short_one(alice_client: Client, alice: Any) -> None:
    long_text = "Slept badly again. " * 20 + "THE END"
    make_entry(alice, date=datetime.date(2026, 3, 2), text=long_text)
    make_entry(alice, date=datetime.date(2026, 3, 3), text="Short and sweet.")
    page = alice_client.get("/diary/").content.decode()
    assert f"{long_text[:239]}…</p>" in page.replace("\n", "")
    assert "THE END" not in page
    assert "Short and sweet.</p>" in page


def test_the_lists_dates_read_as_the_date_filter_writes_them() -> None:
    from django.utils.dateformat import format as date_format

    from diary.templatetags.diary_tags import _long_date

    day = datetime.date(2024, 1, 1)
    for _ in range(400):  # every weekday and month, a leap day included
        assert _long_date(day) == date_format(day, "l j F Y")
        day += datetime.timedelta(days=1)


def test_what_people_wrote_is_escaped_in_the_list(alice_client: Client, alice: Any) -> None:
    make_entry(alice, date=datetime.date(2026, 3, 2), text='<script>alert("x")</script>', feelings=["<b>odd</b>"])
    page = alice_client.get("/diary/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<b>odd</b>" not in page and "Feelings: &lt;b&gt;odd&lt;/b&gt;" in page


def test_the_filters_are_remembered_without_search_words_or_errors(alice_client: Client, alice: Any) -> None:
    from diary import forms

    forms._kept_fields.cache_clear()
    make_entry(alice, date=datetime.date(2026, 3, 2), text="March, about the garden")
    make_entry(alice, date=datetime.date(2026, 4, 2), text="April")
    for _ in range(2):
        page = alice_client.get("/diary/", {"month": "2026-04"}).content.decode()
        assert '<option value="2026-04" selected>' in page
    assert forms._kept_fields.cache_info().hits == 1
    page = alice_client.get("/diary/").content.decode()
    assert '<option value="" selected>Any month</option>' in page
    assert '<option value="2026-03">March 2026</option>' in page, "every month with an entry is offered"
    searched = alice_client.post("/diary/", {"words": "garden"}).content.decode()
    assert 'value="garden"' in searched
    wrong = alice_client.get("/diary/", {"month": "1999-01"}).content.decode()
    assert "Choose a month from the list" in wrong
    assert forms._kept_fields.cache_info().currsize == 2, "only the two plain views were remembered"


def test_a_new_month_is_offered_at_once(alice_client: Client, alice: Any) -> None:
    make_entry(alice, date=datetime.date(2026, 3, 2), text="March")
    assert "May 2026" not in alice_client.get("/diary/").content.decode()
    make_entry(alice, date=datetime.date(2026, 5, 2), text="May")
    page = alice_client.get("/diary/").content.decode()
    assert '<option value="2026-05">May 2026</option>' in page
    assert '<option value="2026-05" selected>' in alice_client.get("/diary/", {"month": "2026-05"}).content.decode()
