"""What happened, tailored suggestions, search and the rights timeline in a real Chromium, with axe on every page."""

from __future__ import annotations

import base64
import io
import re
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from guides.services import load_shipped_content
from situation.models import CaseDates, WhatHappened
from tests.e2e.conftest import assert_accessible
from tests.factories import run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "robin@example.org"
PASSWORD = "a long and private passphrase"


def _code(key_text: str) -> str:
    key = base64.b32decode(key_text + "=" * (-len(key_text) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _sign_up_as_a_victim(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/account/start/")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Enter your password again").fill(PASSWORD)
    page.get_by_label("I have experienced crime").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    run_tasks()  # the task worker sends sign-up emails
    page.get_by_label("Code from the email").fill(re.search(r"\b(\d{4}-\d{4})\b", mail.outbox[-1].body).group(1))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("I cannot scan the code").click()
    key_text = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(_code(key_text))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="I have kept my codes safe").click()


def test_a_burglary_victim_signs_up_sees_tailored_help_and_their_rights_timeline(
    page: Page, server_url: str, axe: Axe
) -> None:
    load_shipped_content(fixtures_dir=Path(settings.BASE_DIR) / "fixtures", stdout=io.StringIO())
    _sign_up_as_a_victim(page, server_url)

    # The optional question at the end of sign-up.
    expect(page.locator("h1")).to_have_text("Would you like to tell us what happened?")
    assert_accessible(axe, page)
    page.get_by_label("Burglary (someone broke into my home)").check()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()

    # Your space suggests help for a burglary first.
    expect(page.locator("h1")).to_have_text("Your space")
    assert_accessible(axe, page)
    suggested = page.locator(".app-guides-panel .app-guides-list").last
    expect(suggested.locator("a").first).to_have_text("After a burglary")
    expect(suggested).to_contain_text("Feeling safe at home again")
    assert WhatHappened.objects.get().crime_types == ["burglary"]

    # The guide list puts home safety first.
    page.goto(f"{server_url}/guides/")
    assert_accessible(axe, page)
    expect(page.locator(".app-guides-list h2").first).to_have_text("Home safety")

    # Search understands "broke into".
    page.get_by_label("Search guides and information").fill("someone broke into my house")
    page.get_by_role("button", name="Search").click()
    assert_accessible(axe, page)
    expect(page.locator(".app-search-results a").first).to_have_text("After a burglary")
    expect(page.locator(".app-search-results mark").first).to_be_visible()

    # The rights timeline: a mistake first, then the dates.
    page.goto(f"{server_url}/account/")
    page.get_by_role("link", name="Start your rights timeline").click()
    expect(page.locator("h1")).to_have_text("Your rights timeline")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Add your dates").click()
    expect(page.locator("h1")).to_have_text("Add your dates")
    assert_accessible(axe, page)
    page.get_by_label("When it happened").fill("2099-01-01")
    page.get_by_role("button", name="Save and see your timeline").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_label("When it happened").fill("2026-02-02")
    page.get_by_label("When you reported it to the police").fill("2026-02-03")
    page.get_by_label("Email me a reminder before a deadline that is mine to meet").check()
    page.get_by_role("button", name="Save and see your timeline").click()

    expect(page.locator("h1")).to_have_text("Your rights timeline")
    assert_accessible(axe, page)
    expect(page.get_by_role("heading", name="Written confirmation of your report")).to_be_visible()
    expect(page.get_by_role("heading", name="Being put in touch with support")).to_be_visible()
    expect(page.get_by_text("Thursday 5 February 2026")).to_be_visible()  # two working days after the report
    # A burglary alone does not bring the compensation scheme for violent crime.
    expect(page.get_by_text("Claiming compensation for a violent crime")).to_have_count(0)
    assert CaseDates.objects.get().reminders

    # Settings show what was said, and the delete page is accessible too.
    page.goto(f"{server_url}/account/settings/")
    assert_accessible(axe, page)
    expect(page.get_by_text("Burglary (someone broke into my home)")).to_be_visible()
    page.get_by_role("link", name="Change what happened").click()
    expect(page.locator("h1")).to_have_text("What happened")
    assert_accessible(axe, page)
    page.goto(f"{server_url}/timeline/{CaseDates.objects.get().pk}/delete/")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Delete these dates").click()
    expect(page.locator("h1")).to_have_text("Your rights timeline")
    assert not CaseDates.objects.exists()


def test_a_witness_sees_the_witness_route_and_its_pages_are_accessible(page: Page, server_url: str, axe: Axe) -> None:
    load_shipped_content(fixtures_dir=Path(settings.BASE_DIR) / "fixtures", stdout=io.StringIO())
    for path in [
        "/guides/being-a-witness/",
        "/guides/being-a-witness/steps/3/",
        "/guides/going-to-court-as-a-witness/",
    ]:
        page.goto(f"{server_url}{path}")
        assert_accessible(axe, page)
    page.goto(f"{server_url}/guides/search/?q=witness")
    assert_accessible(axe, page)
    expect(page.locator(".app-search-results a").first).to_have_text("What being a witness involves")
