"""The whole account journey in a real Chromium: sign up, confirm, set up two-factor, sign in."""

from __future__ import annotations

import base64
import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.factories import run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "sam@example.org"
PASSWORD = "a long and private passphrase"


def _code(key_text: str, *, steps_ahead: int = 0) -> str:
    key = base64.b32decode(key_text + "=" * (-len(key_text) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _sign_up_and_set_up(page: Page, server_url: str, axe: Axe) -> tuple[str, list[str]]:
    page.goto(f"{server_url}/")
    page.get_by_role("link", name="Create an account").click()
    assert_accessible(axe, page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Create your account")
    assert_accessible(axe, page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Enter your password again").fill(PASSWORD)
    page.get_by_label("I have witnessed crime").check()
    page.get_by_role("button", name="Create account").click()

    expect(page.locator("h1")).to_have_text("Check your email")
    assert_accessible(axe, page)
    run_tasks()  # the task worker sends sign-up emails
    code = re.search(r"\b(\d{4}-\d{4})\b", mail.outbox[-1].body).group(1)
    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Confirm").click()

    expect(page.locator("h1")).to_have_text("Sign in")
    assert_accessible(axe, page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Protect your account")
    expect(page.get_by_alt_text("QR code to scan with your authenticator app")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_text("I cannot scan the code").click()
    key_text = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(_code(key_text))
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Write down your backup codes")
    assert_accessible(axe, page)
    codes = [code.inner_text() for code in page.locator(".app-backup-codes code").all()]
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept my codes safe").click()
    expect(page.locator("h1")).to_have_text("Would you like to tell us what happened?")
    page.get_by_role("button", name="Skip this question").click()
    expect(page.locator("h1")).to_have_text("Your space")
    assert_accessible(axe, page)
    return key_text, codes


def _sign_in_with_password(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/account/sign-in/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Enter your code")


def test_sign_up_set_up_sign_out_and_sign_in_with_a_code(page: Page, server_url: str, axe: Axe) -> None:
    key_text, _ = _sign_up_and_set_up(page, server_url, axe)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(f"{server_url}/account/")
    expect(page.locator("h1")).to_have_text("Sign in")

    _sign_in_with_password(page, server_url)
    assert_accessible(axe, page)
    # The set-up code's 30-second step is used up; the app's next code is accepted.
    page.get_by_label("Code from your authenticator app").fill(_code(key_text, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("h1")).to_have_text("Your space")
    page.goto(f"{server_url}/account/settings/")
    expect(page.locator("h1")).to_have_text("Your settings")
    expect(page.get_by_text("I have witnessed crime")).to_be_visible()
    assert_accessible(axe, page)


def test_sign_in_with_a_backup_code(page: Page, server_url: str, axe: Axe) -> None:
    _, codes = _sign_up_and_set_up(page, server_url, axe)
    page.context.clear_cookies()

    _sign_in_with_password(page, server_url)
    page.get_by_role("button", name="Use a backup code instead").click()
    expect(page.locator("h1")).to_have_text("Use a backup code")
    assert_accessible(axe, page)
    page.get_by_label("Backup code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("h1")).to_have_text("Your space")
    page.goto(f"{server_url}/account/settings/")
    expect(page.get_by_text("9 left")).to_be_visible()


def test_a_wrong_code_shows_an_error_summary_that_links_to_the_field(page: Page, server_url: str, axe: Axe) -> None:
    _sign_up_and_set_up(page, server_url, axe)
    page.context.clear_cookies()
    _sign_in_with_password(page, server_url)
    page.get_by_label("Code from your authenticator app").fill("12")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the code as 6 numbers")
    assert_accessible(axe, page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Code from your authenticator app")).to_be_focused()


def test_under_16_is_signposted_and_no_account_is_made(page: Page, server_url: str, axe: Axe) -> None:
    page.goto(f"{server_url}/account/start/")
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("There is support for you")
    expect(page.get_by_text("0800 1111")).to_be_visible()
    assert_accessible(axe, page)


def test_the_idle_warning_lets_a_person_stay_signed_in_then_signs_them_out(
    page: Page, server_url: str, settings
) -> None:
    from tests.factories import make_user, signed_in_client

    settings.SESSION_COOKIE_AGE = 8  # seconds: warned after 4, signed out after 8 without activity
    client = signed_in_client(make_user("idle@example.org"))
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server_url}])
    page.goto(f"{server_url}/account/")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=7_000)
    page.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()

    page.wait_for_url(f"{server_url}/account/sign-in/?timed_out=1&next=%2Faccount%2F", timeout=12_000)
    expect(page.get_by_text("For your safety, we signed you out")).to_be_visible()
    page.goto(f"{server_url}/account/")
    expect(page.locator("h1")).to_have_text("Sign in")


def test_typing_keeps_the_session_and_exit_works_from_the_idle_warning(
    page: Page, server_url: str, settings, neutral_site: str
) -> None:
    from tests.factories import make_user, signed_in_client

    settings.SESSION_COOKIE_AGE = 8
    client = signed_in_client(make_user("idle@example.org"))
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server_url}])
    page.goto(f"{server_url}/account/settings/role/")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=7_000)
    dialog.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(neutral_site)
