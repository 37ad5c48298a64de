"""Asking for a person is never a dead end, in a real Chromium: a person asks for a caseworker;
the caseworker tries three times at safe times and closes as could not reach; the person reads
what happened, changes their safe times and asks again; the new request carries the earlier
one's history to the caseworker. axe on every page."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from referrals.models import CaseNote, ClosingOutcome, SupportRequest
from tests.e2e.conftest import assert_accessible
from tests.factories import make_user, signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UK = ZoneInfo("Europe/London")
# The caseworker's attempts, as made on Tuesday, Wednesday and Thursday mornings (the person's safe times).
ATTEMPT_TIMES = [
    datetime(2026, 3, 3, 9, 30, tzinfo=UK),
    datetime(2026, 3, 4, 10, 15, tzinfo=UK),
    datetime(2026, 3, 5, 11, 0, tzinfo=UK),
]


def _signed_in(page: Page, server_url: str, user: Any) -> Page:
    cookie = signed_in_client(user).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": server_url}])
    return page


def test_could_not_reach_then_ask_again_with_the_history(
    page: Page, browser: Browser, server_url: str, axe: Axe
) -> None:
    alice = make_user("alice@example.org")
    _signed_in(page, server_url, alice)

    # The person asks for a caseworker.
    page.goto(f"{server_url}/get-support/caseworker/")
    assert_accessible(axe, page)
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_role("group", name="is it safe for us to leave a voicemail").get_by_label("No", exact=True).check()
    page.get_by_label("Mornings").check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator("h1")).to_have_text("Your request")
    expect(page.locator("#request-status")).to_have_text("With our team: a caseworker will get in touch")
    assert_accessible(axe, page)
    first = SupportRequest.objects.get()

    # The caseworker tries three times, and then closes it as could not reach.
    casey = make_user("casey@example.org", is_staff=True)
    casey.groups.add(Group.objects.get_or_create(name="Caseworkers")[0])
    staff = _signed_in(browser.new_context().new_page(), server_url, casey)
    staff.goto(f"{server_url}/staff/requests/")
    assert_accessible(axe, staff)
    staff.get_by_role("link", name=first.reference).click()
    expect(staff.locator(".app-referrals-safe-contact")).to_contain_text(
        "If they do not answer, do not leave a voicemail."
    )
    assert_accessible(axe, staff)
    for when in ATTEMPT_TIMES:
        staff.get_by_role("group", name="What happened?").get_by_label("No answer, no message left").check()
        staff.get_by_role("button", name="Record the attempt").click()
        expect(staff.locator(".govuk-notification-banner")).to_contain_text("The contact attempt has been recorded")
        CaseNote.objects.filter(pk=CaseNote.objects.latest("pk").pk).update(created_at=when)
    staff.reload()
    expect(staff.locator("main")).to_contain_text("Failed attempts at times they said are safe: 3 of the 3")
    staff.get_by_role("group", name="Outcome").get_by_label("Could not reach them").check()
    staff.get_by_role("button", name="Close the request").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text(f"{first.reference} is closed")
    assert_accessible(axe, staff)
    first.refresh_from_db()
    assert first.closing_outcome == ClosingOutcome.NOT_REACHED

    # The person reads what happened, and asks again at a different time.
    page.reload()
    expect(page.locator("#request-status")).to_have_text("Closed: we could not reach you")
    expect(page.locator("main")).to_contain_text(
        "We tried to reach you on Tuesday morning, Wednesday morning and Thursday morning and could not."
    )
    assert_accessible(axe, page)
    page.get_by_role("button", name="Ask again").click()
    expect(page.locator("h1")).to_have_text("Ask again for a caseworker")
    expect(page.get_by_label("Phone number")).to_have_value("07700 900982")
    assert_accessible(axe, page)
    page.get_by_label("Mornings").uncheck()
    page.get_by_label("Afternoons").check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator("h1")).to_have_text("Your request")
    assert_accessible(axe, page)
    again = SupportRequest.objects.exclude(pk=first.pk).get()
    assert (again.follows, again.safe_times) == (first, ["afternoon"])

    # The caseworker sees the new request with the earlier one's history.
    staff.goto(f"{server_url}/staff/requests/")
    staff.get_by_role("link", name=again.reference).click()
    earlier = staff.locator("#earlier-request")
    expect(earlier).to_contain_text(f"This asks again after {first.reference}")
    expect(earlier).to_contain_text("closed as: could not reach them")
    expect(earlier.locator("li")).to_have_count(4)  # three attempts and the closing
    expect(staff.locator(".app-referrals-safe-contact")).to_contain_text("afternoons")
    assert_accessible(axe, staff)


def test_without_an_account_the_private_key_shows_the_outcome_and_asks_again(
    page: Page, browser: Browser, server_url: str, axe: Axe
) -> None:
    # Someone signed out leaves their details out of hours and is given a private key to write down.
    page.goto(f"{server_url}/get-support/out-of-hours/")
    page.get_by_label("Your name or a nickname").fill("Sam")
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_role("group", name="is it safe for us to leave a voicemail").get_by_label("No", exact=True).check()
    page.get_by_label("Mornings").check()
    page.get_by_role("button", name="Send my details").click()
    expect(page.locator("h1")).to_have_text("Your details have been sent")
    key = page.locator("main .app-setup-key").inner_text()
    assert page.locator(f"main a[href*='{key.replace('-', '')}']").count() == 0  # in no address
    assert_accessible(axe, page)
    first = SupportRequest.objects.get()

    # A caseworker tries three times at their safe times and closes it as could not reach.
    casey = make_user("casey@example.org", is_staff=True)
    casey.groups.add(Group.objects.get_or_create(name="Caseworkers")[0])
    staff = _signed_in(browser.new_context().new_page(), server_url, casey)
    for when in ATTEMPT_TIMES:
        note = CaseNote.objects.create(request=first, author=casey, kind="contact_attempt", contact_outcome="no_answer")
        CaseNote.objects.filter(pk=note.pk).update(created_at=when)
    staff.goto(f"{server_url}/staff/requests/{first.pk}/")
    staff.get_by_role("group", name="Outcome").get_by_label("Could not reach them").check()
    staff.get_by_role("button", name="Close the request").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text(f"{first.reference} is closed")

    # Days later, in a fresh browser, the person types their key in and reads what happened.
    later = browser.new_context().new_page()
    later.goto(f"{server_url}/r/")
    assert_accessible(axe, later)
    later.get_by_label("Your private key").fill("not my key")
    later.get_by_role("button", name="Check my request").click()
    expect(later.locator(".govuk-error-summary")).to_contain_text("We could not find a request with that key")
    assert_accessible(axe, later)
    later.get_by_label("Your private key").fill(key.lower())
    later.get_by_role("button", name="Check my request").click()
    expect(later.locator("#request-status")).to_have_text("Closed: we could not reach you")
    expect(later.locator("main")).to_contain_text(
        "We tried to reach you on Tuesday morning, Wednesday morning and Thursday morning and could not."
    )
    assert_accessible(axe, later)

    # They ask again, at a different time, from what they said before.
    later.get_by_role("button", name="Ask again").click()
    expect(later.locator("main")).to_contain_text(f"You are asking again after your request {first.reference}")
    expect(later.get_by_label("Phone number")).to_have_value("07700 900982")
    assert_accessible(axe, later)
    later.get_by_label("Mornings").uncheck()
    later.get_by_label("Afternoons").check()
    later.get_by_role("button", name="Send my details").click()
    expect(later.locator("h1")).to_have_text("Your details have been sent")
    again = SupportRequest.objects.exclude(pk=first.pk).get()
    assert (again.follows, again.safe_times, again.user) == (first, ["afternoon"], None)

    # The key from the first time still opens the first request, which points to the new one.
    fresh = browser.new_context().new_page()
    fresh.goto(f"{server_url}/r/")
    fresh.get_by_label("Your private key").fill(key)
    fresh.get_by_role("button", name="Check my request").click()
    expect(fresh.locator("main")).to_contain_text("You asked again on")
    assert_accessible(axe, fresh)

    staff.goto(f"{server_url}/staff/requests/{again.pk}/")
    expect(staff.locator("#earlier-request")).to_contain_text(f"This asks again after {first.reference}")
