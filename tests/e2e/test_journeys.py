"""Whole journeys on a 390 px phone, with axe on each page: signing up with the emailed code and
setting up with the app link, and getting back in after a lost phone with everything kept."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import Browser, Page, expect

from tests.diary.conftest import OLD_KEY
from tests.diary.helpers import make_entry
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, make_user, run_tasks, signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
EMAIL = "sam@example.org"
SAM_PASSWORD = "a long and private passphrase"


def _code_from_app_link(otpauth_url: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app does with the link: read the key, show the current code."""
    import base64

    address = urlparse(otpauth_url)
    assert address.scheme == "otpauth" and address.netloc == "totp"
    secret = parse_qs(address.query)["secret"][0]
    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _in_view(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            f"(() => {{ const r = document.querySelector('{selector}').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }})()"
        )
    )


def test_sign_up_with_the_emailed_code_and_set_up_with_the_app_link(page: Page, server_url: str, axe: Axe) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{server_url}/")
    expect(page.get_by_role("link", name="Diary")).to_have_count(0)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_text("a phone with a free authenticator app")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(SAM_PASSWORD)
    page.get_by_label("Enter your password again").fill(SAM_PASSWORD)
    page.get_by_label("I am supporting someone").check()
    page.get_by_role("button", name="Create account").click()

    expect(page.locator("h1")).to_have_text("Check your email")
    assert_accessible(axe, page)
    page.get_by_label("Code from the email").fill("1111-1111")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert _in_view(page, ".govuk-error-summary")
    run_tasks()
    page.get_by_label("Code from the email").fill(re.search(r"\b(\d{4}-\d{4})\b", mail.outbox[-1].body).group(1))
    page.get_by_role("button", name="Confirm").click()

    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.get_by_text("Your email address is confirmed")).to_be_visible()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(SAM_PASSWORD)
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Protect your account")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Menu").click()
    navigation = page.get_by_role("navigation", name="Main")
    for private in ["Your space", "Diary", "Settings"]:
        expect(navigation.get_by_role("link", name=private)).to_have_count(0)
    link = page.get_by_role("link", name="Open in my authenticator app").get_attribute("href")

    # A wrong code first: the summary is at the top, in view and focused, and leads to the field.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    assert _in_view(page, ".govuk-error-summary")
    assert_accessible(axe, page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Code from your authenticator app")).to_be_focused()

    page.get_by_text("I cannot scan the code or open the app").click()
    expect(page.get_by_role("button", name="Copy the key")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill(_code_from_app_link(link))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Write down your backup codes")
    page.get_by_role("link", name="I have kept my codes safe").click()
    expect(page.locator("h1")).to_have_text("Would you like to tell us what happened?")
    page.get_by_role("button", name="Skip this question").click()
    expect(page.locator("h1")).to_have_text("Your space")
    assert_accessible(axe, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_staff_reset_then_set_up_again_with_the_diary_intact(
    browser: Browser, page: Page, server_url: str, axe: Axe, settings: Any
) -> None:
    settings.DIARY_KEYRING = OLD_KEY
    alice = make_user("alice@example.org")
    make_entry(alice, text="The day I started writing again")
    bob = make_user("bob@example.org", is_staff=True)
    bob.groups.add(Group.objects.get_or_create(name="Caseworkers")[0])

    # Bob, the caseworker, after the identity check on the phone.
    staff = browser.new_context(viewport=PHONE).new_page()
    client = signed_in_client(bob)
    staff.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server_url}])
    staff.goto(f"{server_url}/account/staff/reset-sign-in/")
    assert_accessible(axe, staff)
    staff.get_by_label("The person's email address").fill("alice@example.org")
    staff.get_by_label("How you checked it is them").fill("Called back on her usual number; she knew her request")
    staff.get_by_label("I have checked this is the person").check()
    staff.get_by_role("button", name="Reset their sign-in").click()
    expect(staff.get_by_text("The sign-in for alice@example.org is reset")).to_be_visible()
    assert_accessible(axe, staff)
    staff.context.close()

    # Alice, on her new phone: the emailed link, her password, a new app; her diary is all there.
    page.set_viewport_size(PHONE)
    link = re.search(r"https?://\S+/account/two-factor/set-up/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Protect your account")
    app_link = page.get_by_role("link", name="Open in my authenticator app").get_attribute("href")
    page.get_by_label("Code from your authenticator app").fill(_code_from_app_link(app_link))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="I have kept my codes safe").click()
    page.goto(f"{server_url}/diary/")
    expect(page.get_by_text("The day I started writing again")).to_be_visible()
    assert_accessible(axe, page)
