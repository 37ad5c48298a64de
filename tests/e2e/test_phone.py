"""On a phone: nothing scrolls sideways, text stays readable, no page is endless."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page

from tests.diary.conftest import OLD_KEY
from tests.diary.helpers import make_entry
from tests.e2e.conftest import assert_accessible
from tests.factories import make_user, signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_SCREEN_HEIGHT = 844  # a 390 x 844 phone


def test_the_mood_chart_fits_a_320px_screen_with_readable_labels(
    page: Page, server_url: str, settings: Any, axe: Axe
) -> None:
    settings.DIARY_KEYRING = OLD_KEY
    alice = make_user("alice@example.org")
    today = timezone.localdate()
    for days_ago, mood in [(40, 1), (30, 2), (20, 5), (10, 3), (1, 4)]:
        make_entry(alice, date=today - datetime.timedelta(days=days_ago), mood=mood)
    client = signed_in_client(alice)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server_url}])
    page.set_viewport_size({"width": 320, "height": 640})

    for query in ["", "?range=3m", "?range=1y"]:
        page.goto(f"{server_url}/diary/chart/{query}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, query
        smallest = page.evaluate(
            """() => {
              const svg = document.querySelector('.app-diary-chart__svg');
              const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
              return Math.min(...[...svg.querySelectorAll('text')].map(
                t => parseFloat(getComputedStyle(t).fontSize) * scale));
            }"""
        )
        assert smallest >= 12, f"{query}: labels at {smallest:.1f} px"
    assert_accessible(axe, page)


def test_no_public_page_is_longer_than_40_phone_screens(page: Page, server_url: str) -> None:
    call_command("load_content", verbosity=0)
    page.set_viewport_size({"width": 390, "height": PHONE_SCREEN_HEIGHT})
    for path in ["/", "/guides/", "/rights/", "/get-support/", "/get-support/organisations/", "/help-now/"]:
        page.goto(f"{server_url}{path}")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 40 * PHONE_SCREEN_HEIGHT, f"{path} is {height / PHONE_SCREEN_HEIGHT:.0f} screens"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
