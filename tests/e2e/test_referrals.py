"""Referrals in a real Chromium: a person at severe impact reaches a caseworker who claims the
request; the public request form and the directory without JavaScript; axe on every page;
small screens; keyboard use."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from referrals import services
from referrals.models import Handoff, HandoffStatus, RequestStatus, SupportRequest
from referrals.services import SafeContact
from tests.e2e.conftest import assert_accessible
from tests.factories import make_user, signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(page: Page, server_url: str, user: Any) -> Page:
    cookie = signed_in_client(user).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": server_url}])
    return page


def _alice_asks_for_a_caseworker() -> Any:
    alice = make_user("alice@example.org")
    contact = SafeContact(
        method="phone",
        phone="07700900982",
        email="",
        safe_times=["morning"],
        safe_times_note="",
        voicemail_safe=False,
        text_safe=None,
        email_safe=None,
        code_word="bluebell",
        help_topics=["court"],
        message="",
    )
    services.request_caseworker(
        user=alice, contact=contact, name="Alice", share_guides=False, submission_token=uuid.uuid4()
    )
    return alice


def _caseworker() -> Any:
    user = make_user("casey@example.org", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Caseworkers")[0])
    return user


@pytest.fixture
def partners(transactional_db: None) -> None:
    apps.get_app_config("referrals").load_content(settings.BASE_DIR / "fixtures", io.StringIO())


def test_a_person_at_severe_impact_reaches_a_caseworker_who_claims_the_request(
    browser: Browser, server_url: str, axe: Axe
) -> None:
    alice = make_user("alice@example.org")
    page = _signed_in(browser.new_context().new_page(), server_url, alice)

    page.goto(f"{server_url}/account/")
    page.get_by_role("link", name="Answer the questions").click()
    expect(page.locator("h1")).to_have_text("How are you doing?")
    assert_accessible(axe, page)

    page.get_by_role("group", name="Are you safe right now?").get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="Are you worried that someone will hurt you").get_by_label("No", exact=True).check()
    page.get_by_label("Very much: I am finding it hard to cope").check()
    page.get_by_role("group", name="Have you had thoughts of hurting yourself").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Is there someone you trust").get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="See what might help").click()

    expect(page.locator("h1")).to_have_text("Talking to someone could help")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Ask a caseworker to contact you").click()

    expect(page.locator("h1")).to_have_text("Ask a caseworker to contact you")
    assert_accessible(axe, page)
    # Sent with the phone number missing: a calm error that leads to the field.
    page.get_by_label("Phone call").check()
    page.get_by_label("Mornings").check()
    page.get_by_role("group", name="Is it safe for us to leave a voicemail").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a phone number, so we can call you")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Enter a phone number, so we can call you").click()
    expect(page.get_by_label("Phone number")).to_be_focused()
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_label("Code word (optional)").fill("bluebell")
    page.get_by_role("button", name="Send my request").click()

    expect(page.locator("h1")).to_have_text("Your request")
    expect(page.locator(".govuk-inset-text")).to_contain_text("With our team: a caseworker will get in touch")
    assert_accessible(axe, page)
    support_request = SupportRequest.objects.get()
    assert support_request.impact_outcome == "severe"

    staff = _signed_in(browser.new_context().new_page(), server_url, _caseworker())
    staff.goto(f"{server_url}/account/")
    staff.get_by_role("link", name="Caseworkers: open the requests queue").click()
    expect(staff.locator("h1")).to_have_text("Requests")
    first_row = staff.locator("tbody tr").first
    expect(first_row).to_contain_text(support_request.reference)
    expect(first_row).to_contain_text("Severe impact")
    assert_accessible(axe, staff)
    first_row.get_by_role("link", name=support_request.reference).click()
    expect(staff.locator(".app-referrals-safe-contact")).to_contain_text(
        "If they do not answer, do not leave a voicemail."
    )
    expect(staff.locator(".app-referrals-safe-contact")).to_contain_text("bluebell")
    assert_accessible(axe, staff)
    staff.get_by_role("button", name="Claim this request").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text(f"You have claimed {support_request.reference}")
    assert_accessible(axe, staff)

    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.CLAIMED
    page.reload()
    expect(page.locator(".govuk-inset-text")).to_contain_text("A caseworker is working on your request")


def test_the_out_of_hours_form_works_without_javascript_and_hides_the_bot_trap(
    page_without_js: Page, server_url: str
) -> None:
    page = page_without_js
    page.goto(f"{server_url}/get-support/out-of-hours/")
    expect(page.get_by_label("Leave this empty")).to_be_hidden()
    page.get_by_label("Your name or a nickname").fill("Sam")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Any time we are open").check()
    page.get_by_role("group", name="Is it safe for us to email you").get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Send my details").click()
    expect(page.locator("h1")).to_have_text("Your details have been sent")
    expect(page.locator("main")).to_contain_text("If it is urgent")
    assert SupportRequest.objects.count() == 1


def test_double_clicking_send_without_javascript_makes_one_request(page_without_js: Page, server_url: str) -> None:
    page = page_without_js
    page.goto(f"{server_url}/get-support/out-of-hours/")
    page.get_by_label("Your name or a nickname").fill("Sam")
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_label("Mornings").check()
    page.get_by_role("group", name="Is it safe for us to leave a voicemail").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Send my details").dblclick()
    expect(page.locator("h1")).to_have_text("Your details have been sent")
    assert SupportRequest.objects.count() == 1


def test_the_out_of_hours_errors_and_confirmation_have_no_accessibility_violations(
    page: Page, server_url: str, axe: Axe
) -> None:
    page.goto(f"{server_url}/get-support/out-of-hours/")
    page.get_by_role("button", name="Send my details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your name or a nickname")
    assert_accessible(axe, page)
    page.get_by_label("Your name or a nickname").fill("Sam")
    page.get_by_label("Text message").check()
    page.get_by_label("Phone number").fill("01632 960001")
    page.get_by_label("Afternoons").check()
    page.get_by_role("group", name="Is it safe for us to send you a text message").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("button", name="Send my details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a UK mobile number for texts")
    # A text they have just called unsafe is refused, with what to do instead.
    expect(page.locator(".govuk-error-summary")).to_contain_text("You told us a text message is not safe")
    assert_accessible(axe, page)
    page.get_by_role("group", name="Is it safe for us to send you a text message").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_role("button", name="Send my details").click()
    expect(page.locator("h1")).to_have_text("Your details have been sent")
    assert_accessible(axe, page)


def test_tabbing_through_the_public_form_never_reaches_the_bot_trap(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/get-support/out-of-hours/")
    page.locator("h1").click()
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert "id_website" not in seen
    assert "id_name" in seen and "id_code_word" in seen


def test_the_directory_filters_without_javascript(page_without_js: Page, server_url: str, partners: None) -> None:
    page = page_without_js
    page.goto(f"{server_url}/get-support/organisations/")
    page.get_by_label("What do you need help with?").select_option(label="Fraud and scams")
    page.get_by_label("Where do you live?").select_option(label="Wales")
    page.get_by_role("button", name="Show organisations").click()
    assert "need=fraud-and-scams" in page.url
    expect(page.locator("main")).to_contain_text("Report Fraud")
    expect(page.locator("main")).not_to_contain_text("National Domestic Abuse Helpline")


@pytest.mark.parametrize(
    "path",
    [
        "/get-support/",
        "/get-support/check/",
        "/get-support/out-of-hours/",
        "/get-support/silvercloud/",
        "/get-support/organisations/",
        "/get-support/organisations/?need=stalking&area=london",
        "/",
    ],
)
def test_public_pages_have_no_accessibility_violations(
    page: Page, server_url: str, axe: Axe, partners: None, path: str
) -> None:
    page.goto(f"{server_url}{path}")
    assert_accessible(axe, page)


@pytest.mark.parametrize(
    ("answers", "heading"),
    [
        ({"safe_now": "No"}, "Please get help now"),
        ({}, "Guides that may help"),
    ],
)
def test_every_result_page_has_no_accessibility_violations(
    page: Page, server_url: str, axe: Axe, answers: dict[str, str], heading: str
) -> None:
    page.goto(f"{server_url}/get-support/check/")
    page.get_by_role("group", name="Are you safe right now?").get_by_label(
        answers.get("safe_now", "Yes"), exact=True
    ).check()
    page.get_by_role("group", name="Are you worried that someone").get_by_label("No", exact=True).check()
    page.get_by_label("A little, or not at all").check()
    page.get_by_role("group", name="Have you had thoughts of hurting yourself").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Is there someone you trust").get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="See what might help").click()
    expect(page.locator("h1")).to_have_text(heading)
    assert_accessible(axe, page)


def test_signed_in_and_staff_pages_have_no_accessibility_violations(
    browser: Browser, server_url: str, axe: Axe
) -> None:
    alice = _alice_asks_for_a_caseworker()
    services.register_with_silvercloud(user=alice, name="Al", topics=["sleep"], submission_token=uuid.uuid4())
    Handoff.objects.filter(destination="silvercloud").update(status=HandoffStatus.FAILED)
    page = _signed_in(browser.new_context().new_page(), server_url, alice)
    for path in ["/account/", "/get-support/yours/", "/get-support/silvercloud/consent/"]:
        page.goto(f"{server_url}{path}")
        assert_accessible(axe, page)
    page.goto(f"{server_url}/get-support/silvercloud/consent/")
    page.get_by_role("button", name="Agree and send my details").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(axe, page)

    staff = _signed_in(browser.new_context().new_page(), server_url, _caseworker())
    handoff = Handoff.objects.get(destination="silvercloud")
    request_pk = SupportRequest.objects.get().pk
    for path in ["/staff/requests/?show=closed", f"/staff/handoffs/{handoff.pk}/", f"/staff/requests/{request_pk}/"]:
        staff.goto(f"{server_url}{path}")
        assert_accessible(axe, staff)
    staff.get_by_role("button", name="Add the note").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Enter a note")
    assert_accessible(axe, staff)


@pytest.mark.parametrize(
    "path",
    ["/get-support/", "/get-support/check/", "/get-support/out-of-hours/", "/get-support/organisations/"],
)
def test_pages_fit_a_small_phone_screen(browser: Browser, server_url: str, partners: None, path: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"{server_url}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_the_queue_fits_a_small_phone_screen(browser: Browser, server_url: str) -> None:
    _alice_asks_for_a_caseworker()
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = _signed_in(context.new_page(), server_url, _caseworker())
    for path in ["/staff/requests/", f"/staff/requests/{SupportRequest.objects.get().pk}/"]:
        page.goto(f"{server_url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_the_questions_can_be_answered_with_the_keyboard_alone(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/get-support/check/")
    page.locator("h1").click()
    # Tab reaches the first option of each question; the arrow keys choose within it.
    choices = {"safe_now": 0, "worried_about_harm": 1, "daily_life": 2, "harm_thoughts": 1, "someone_to_talk_to": 0}
    for name, downs in choices.items():
        while page.evaluate("document.activeElement.name") != name:
            page.keyboard.press("Tab")
        page.keyboard.press("Space")
        for _ in range(downs):
            page.keyboard.press("ArrowDown")
    while page.evaluate("document.activeElement.textContent.trim()") != "See what might help":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Talking to someone could help")
