from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visit_two_pages(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/")
    page.goto(f"{server_url}/using-this-site-safely/")
    expect(page.locator("h1")).to_have_text("Using this site safely")


def test_the_button_leaves_for_the_neutral_site_and_back_does_not_return(
    page: Page, server_url: str, neutral_site: str
) -> None:
    _visit_two_pages(page, server_url)
    page.get_by_role("button", name="Emergency Exit this page").click()
    page.wait_for_url(neutral_site)
    expect(page.locator("h1")).to_have_text("Weather forecast")

    page.go_back()
    assert "using-this-site-safely" not in page.url


def test_shift_three_times_leaves_for_the_neutral_site(page: Page, server_url: str, neutral_site: str) -> None:
    _visit_two_pages(page, server_url)
    page.locator("h1").click()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(neutral_site)

    page.go_back()
    assert "using-this-site-safely" not in page.url


def test_two_shift_presses_do_nothing(page: Page, server_url: str, neutral_site: str) -> None:
    _visit_two_pages(page, server_url)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert "using-this-site-safely" in page.url


def test_the_plain_link_ends_the_session_without_javascript(
    page_without_js: Page, server_url: str, neutral_site: str
) -> None:
    user = get_user_model().objects.create_user(email="alice@example.org", password="pw-for-alice-123")
    from django.test import Client

    client = Client()
    client.force_login(user)
    session_cookie = client.cookies["sessionid"].value
    page = page_without_js
    page.context.add_cookies([{"name": "sessionid", "value": session_cookie, "url": server_url}])
    page.goto(f"{server_url}/")

    page.get_by_role("button", name="Emergency Exit this page").click()
    page.wait_for_url(neutral_site)

    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_cookie).exists()


def _tab_to_the_exit_button(page: Page) -> None:
    button = page.get_by_role("button", name="Emergency Exit this page")
    for _ in range(5):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    expect(button).to_be_focused()


@pytest.mark.parametrize("key", ["Space", "Enter"])
@pytest.mark.parametrize(
    ("path", "signed_in"),
    [("/", False), ("/account/", True), ("/diary/new/", True)],
    ids=["signed-out-home", "signed-in-page", "form-page"],
)
def test_the_focused_exit_button_leaves_on_space_and_on_enter(
    page: Page, server_url: str, neutral_site: str, path: str, signed_in: bool, key: str
) -> None:
    from django.contrib.sessions.models import Session

    from tests.factories import make_user, signed_in_client

    session_key = None
    if signed_in:
        session_key = signed_in_client(make_user("alice@example.org")).cookies["sessionid"].value
        page.context.add_cookies([{"name": "sessionid", "value": session_key, "url": server_url}])
    page.goto(f"{server_url}/using-this-site-safely/")
    page.goto(f"{server_url}{path}")
    expect(page.locator("h1")).to_be_visible()

    _tab_to_the_exit_button(page)
    page.keyboard.press(key)

    page.wait_for_url(neutral_site)
    expect(page.locator("h1")).to_have_text("Weather forecast")
    if session_key:
        assert not Session.objects.filter(session_key=session_key).exists()
    assert not [cookie for cookie in page.context.cookies(server_url) if cookie["name"] == "sessionid"]
    # The page that was left is not one step back in the history either.
    page.go_back()
    assert page.url == f"{server_url}/using-this-site-safely/"


@pytest.mark.parametrize(
    "path", ["/", "/help-now/", "/using-this-site-safely/", "/accessibility/", "/privacy/", "/no-such-page/"]
)
def test_pages_have_no_accessibility_violations(page: Page, server_url: str, axe: Axe, path: str) -> None:
    page.goto(f"{server_url}{path}")
    assert_accessible(axe, page)


def test_the_csrf_failure_page_has_no_accessibility_violations(page: Page, server_url: str, axe: Axe) -> None:
    page.goto(f"{server_url}/")
    page.context.clear_cookies()
    page.evaluate(
        """() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/admin/login/';
        document.body.appendChild(f); f.submit(); }"""
    )
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Please try again")
    assert_accessible(axe, page)


def test_the_server_error_page_has_no_accessibility_violations(page: Page, server_url: str, axe: Axe, settings) -> None:
    settings.ROOT_URLCONF = "tests.pages.urls_that_fail"
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    page.goto(f"{server_url}/boom/")
    expect(page.locator("h1")).to_have_text("Sorry, there is a problem with the service")
    assert_accessible(axe, page)


def test_the_forbidden_page_has_no_accessibility_violations(page: Page, server_url: str, axe: Axe, settings) -> None:
    settings.ROOT_URLCONF = "tests.pages.urls_that_fail"
    page.goto(f"{server_url}/forbidden/")
    expect(page.locator("h1")).to_have_text("You cannot see this page")
    assert_accessible(axe, page)


def test_links_drawn_as_buttons_answer_space(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/get-support/")
    button = page.get_by_role("button", name="Answer the questions")
    button.focus()
    page.keyboard.press("Space")
    page.wait_for_url(f"{server_url}/get-support/check/")
