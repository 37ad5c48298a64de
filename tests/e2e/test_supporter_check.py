"""The supporters' impact check in a real Chromium, with axe on every page it adds."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from tests.e2e.conftest import assert_accessible
from tests.factories import make_user, signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(page: Page, *, their_safe: str, strain: str) -> None:
    page.get_by_role("group", name="Is the person you support safe right now?").get_by_label(
        their_safe, exact=True
    ).check()
    page.get_by_role("group", name="Have they talked about hurting themselves").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="How much is what happened affecting their everyday life?").get_by_label(
        "Quite a lot"
    ).check()
    page.get_by_role("group", name="How much is supporting them affecting you?").get_by_label(strain).check()
    page.get_by_role("group", name="Is there someone you can talk to").get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="See what might help").click()


def test_a_supporter_is_steered_about_the_person_they_support_and_themselves(
    browser: Browser, server_url: str, axe: Axe
) -> None:
    bob = make_user("bob@example.org", role=Role.SUPPORTER)
    page = browser.new_context().new_page()
    cookie = signed_in_client(bob).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": server_url}])

    page.goto(f"{server_url}/get-support/check/")
    expect(page.locator("h1")).to_have_text("Supporting someone: how are you both doing?")
    assert_accessible(axe, page)

    page.get_by_role("button", name="See what might help").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(axe, page)

    _answer(page, their_safe="No", strain="Very much: I am finding it hard to cope")
    expect(page.locator("h1")).to_have_text("If they are in danger, get help now")
    expect(page.get_by_role("heading", name="Support for you")).to_be_visible()
    assert_accessible(axe, page)


def test_someone_signed_out_can_answer_for_a_person_they_support(browser: Browser, server_url: str, axe: Axe) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{server_url}/get-support/check/")
    page.get_by_role("link", name="Answer the questions for supporters").click()
    expect(page.locator("h1")).to_have_text("Supporting someone: how are you both doing?")

    _answer(page, their_safe="I am not sure", strain="A little, or not at all")
    expect(page.locator("h1")).to_have_text("Supporting someone: what might help")
    expect(page.get_by_role("heading", name="They may need more help than one person can give")).to_be_visible()
    assert_accessible(axe, page)
