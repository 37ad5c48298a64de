"""The diary in a real Chromium: writing, reading, the chart, changing and deleting, with axe on every page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from diary.models import DiaryEntry, KeptDraft
from tests.diary.conftest import OLD_KEY
from tests.e2e.conftest import assert_accessible
from tests.factories import make_user, signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def diary_keyring(settings: Any) -> None:
    settings.DIARY_KEYRING = OLD_KEY


def _sign_in(page: Page, server_url: str, user: Any) -> None:
    client = signed_in_client(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server_url}])


@pytest.fixture
def alice_page(page: Page, server_url: str) -> Page:
    _sign_in(page, server_url, make_user("alice@example.org"))
    return page


def _write(page: Page, server_url: str, *, date: datetime.date, mood: str, text: str) -> None:
    page.goto(f"{server_url}/diary/new/")
    page.get_by_label("Date").fill(date.isoformat())
    page.get_by_label(mood, exact=True).check()
    page.get_by_label("Calm").check()
    page.get_by_label("What would you like to write? (optional)").fill(text)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Your diary entry is saved.")).to_be_visible()


def test_write_read_chart_change_and_delete(alice_page: Page, server_url: str, axe: Axe) -> None:
    page = alice_page
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)

    page.goto(f"{server_url}/diary/")
    expect(page.locator("h1")).to_have_text("Your diary")
    assert_accessible(axe, page)

    # A form sent empty: a clear error summary, linked to the fields.
    page.goto(f"{server_url}/diary/new/")
    assert_accessible(axe, page)
    page.get_by_label("Date").fill("")
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose how you are feeling")
    assert_accessible(axe, page)

    _write(page, server_url, date=yesterday, mood="Very low", text="A hard day at work.")
    _write(page, server_url, date=today, mood="Good", text="Walked by the river with Sam.")
    expect(page.locator("h1")).to_contain_text(f"{today.day} {today:%B %Y}")
    assert_accessible(axe, page)

    # Both in the list, newest first.
    page.get_by_role("navigation", name="Diary").get_by_role("link", name="Your entries").click()
    entries = page.locator(".app-diary-entries__item")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("Walked by the river")
    expect(entries.nth(0)).to_contain_text("Good")
    expect(entries.nth(1)).to_contain_text("Very low")
    assert_accessible(axe, page)

    # Searching the words, and filtering by mood.
    page.get_by_label("Words in the entry").fill("river")
    page.get_by_role("button", name="Show entries").click()
    expect(page.get_by_text("1 matching entry")).to_be_visible()
    assert "river" not in page.url
    page.get_by_label("Words in the entry").fill("")
    page.get_by_label("Mood").select_option(label="Very low")
    page.get_by_role("button", name="Show entries").click()
    expect(entries).to_have_count(1)
    expect(entries.nth(0)).to_contain_text("A hard day at work.")
    assert_accessible(axe, page)

    # The chart and its table.
    page.get_by_role("link", name="Mood chart").click()
    chart = page.get_by_role("img", name="Your mood: last 30 days")
    expect(chart).to_be_visible()
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Very low")
    expect(rows.nth(1)).to_contain_text("Good")
    assert_accessible(axe, page)
    for range_name in ("Last 90 days", "All time"):
        page.get_by_role("link", name=range_name).click()
        expect(page.get_by_role("img")).to_be_visible()
        assert_accessible(axe, page)

    page.get_by_role("link", name="What works for me").click()
    assert_accessible(axe, page)

    # Change one.
    page.get_by_role("link", name="Your entries").click()
    page.get_by_role("link", name=f"{yesterday:%A} {yesterday.day} {yesterday:%B %Y}").click()
    page.get_by_role("link", name="Change this entry").click()
    assert_accessible(axe, page)
    page.get_by_label("Okay", exact=True).check()
    page.get_by_label("What would you like to write? (optional)").fill("A hard day, better by the evening.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    expect(page.get_by_text("A hard day, better by the evening.")).to_be_visible()

    # Delete the other: one question, then it is gone.
    page.get_by_role("link", name="Your entries").click()
    page.get_by_role("link", name=f"{today:%A} {today.day} {today:%B %Y}").click()
    page.get_by_role("link", name="Delete this entry").click()
    expect(page.locator("h1")).to_contain_text("Are you sure you want to delete your entry")
    assert_accessible(axe, page)
    deleted_url = page.url.replace("delete/", "")
    page.get_by_role("button", name="Yes, delete this entry").click()
    expect(page.get_by_text("Your diary entry is deleted.")).to_be_visible()
    expect(entries).to_have_count(1)
    expect(entries.nth(0)).to_contain_text("Okay")
    assert DiaryEntry.objects.count() == 1

    # The deleted entry's address: a calm page.
    page.goto(deleted_url)
    expect(page.locator("h1")).to_have_text("This entry is not in your diary")
    assert_accessible(axe, page)

    for path in ("/diary/export/", "/diary/export/print/", "/diary/feelings/", "/account/"):
        page.goto(f"{server_url}{path}")
        assert_accessible(axe, page)


def test_the_form_works_from_the_keyboard(alice_page: Page, server_url: str) -> None:
    page = alice_page
    page.goto(f"{server_url}/diary/new/")
    page.get_by_label("Date").focus()
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.name || document.activeElement.textContent.trim()")
        if reached and focused == reached[-1] and focused in {"date", "mood"}:
            continue  # the parts of one control
        reached.append(focused)
        if focused == "mood":
            page.keyboard.press("Space")  # the first mood, Very low
            for _ in range(3):
                page.keyboard.press("ArrowDown")  # to Good
        if focused == "text":
            page.keyboard.type("Typed without a mouse.")
        if focused == "Save entry":
            break
    assert {"mood", "feelings", "text", "Save entry"} <= set(reached), reached
    assert reached.index("mood") < reached.index("feelings") < reached.index("text") < reached.index("Save entry")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Typed without a mouse.")).to_be_visible()
    assert DiaryEntry.objects.get().mood == 4


def test_everything_works_without_javascript(page_without_js: Page, server_url: str) -> None:
    page = page_without_js
    alice = make_user("alice@example.org")
    _sign_in(page, server_url, alice)
    _write(page, server_url, date=timezone.localdate(), mood="Good", text="No scripts needed.")
    page.get_by_role("link", name="Change this entry").click()
    page.get_by_label("What would you like to write? (optional)").fill("Changed without scripts.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changed without scripts.")).to_be_visible()
    page.goto(f"{server_url}/diary/chart/")
    expect(page.get_by_role("img", name="Your mood: last 30 days")).to_be_visible()
    page.goto(f"{server_url}/diary/export/print/")
    expect(page.get_by_text("Use your browser's Print option")).to_be_visible()
    expect(page.get_by_role("button", name="Print this page")).to_be_hidden()


def test_writing_sent_after_the_session_ended_comes_back_after_signing_in(
    page: Page, server_url: str, axe: Axe
) -> None:
    alice = make_user("alice@example.org")
    _sign_in(page, server_url, alice)
    page.goto(f"{server_url}/diary/new/")
    page.get_by_label("Low", exact=True).check()
    page.get_by_label("What would you like to write? (optional)").fill("Written slowly, over an hour.")
    # The idle timeout ended the session meanwhile (sessions are kept in the cache as well).
    Session.objects.all().delete()
    cache.clear()

    page.get_by_role("button", name="Save entry").click()

    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.get_by_text("We have kept it")).to_be_visible()
    assert not DiaryEntry.objects.exists()
    _sign_in(page, server_url, alice)
    page.goto(f"{server_url}/diary/")
    expect(page.get_by_text("You were signed out while you were writing.")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_role("link", name="Carry on writing").click()
    expect(page.get_by_label("What would you like to write? (optional)")).to_have_value("Written slowly, over an hour.")
    expect(page.get_by_label("Low", exact=True)).to_be_checked()
    assert_accessible(axe, page)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Your diary entry is saved.")).to_be_visible()
    assert DiaryEntry.objects.get().text == "Written slowly, over an hour."


def test_with_javascript_an_unsaved_entry_is_kept_just_before_the_idle_sign_out(page: Page, server_url: str) -> None:
    alice = make_user("alice@example.org")
    _sign_in(page, server_url, alice)
    page.clock.install()
    page.goto(f"{server_url}/diary/new/")
    page.get_by_label("Good", exact=True).check()
    page.get_by_label("What would you like to write? (optional)").fill("Interrupted by a phone call.")

    with page.expect_response(lambda response: response.request.method == "POST") as kept:
        page.clock.run_for("29:51")  # the idle time is 30 minutes; the copy goes 10 seconds before
    assert kept.value.status == 204
    assert KeptDraft.objects.filter(owner=alice).exists()
    page.clock.run_for("00:10")
    page.wait_for_url(f"{server_url}/account/sign-in/?timed_out=1&next=%2Fdiary%2Fnew%2F")

    _sign_in(page, server_url, alice)
    page.goto(f"{server_url}/account/")
    page.get_by_role("link", name="Carry on writing").click()
    expect(page.get_by_label("What would you like to write? (optional)")).to_have_value("Interrupted by a phone call.")
