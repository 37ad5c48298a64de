"""Where "Chat to a supporter" is offered: home, Get support, the impact check results, every guide."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.guides.factories import add_step, make_guide
from tests.referrals.test_impact_check import answers


def test_home_and_get_support_offer_chat(client: Client, db: None) -> None:
    for path in ("/", "/get-support/"):
        assert 'href="/chat/"' in client.get(path).content.decode(), path


def test_at_severe_impact_chat_comes_first(client: Client, db: None) -> None:
    html = client.post("/get-support/check/", answers(daily_life="very_much"), follow=True).content.decode()
    assert html.index('href="/chat/"') < html.index("/get-support/out-of-hours/")


def test_in_danger_chat_comes_after_999(client: Client, db: None) -> None:
    html = client.post("/get-support/check/", answers(safe_now="no"), follow=True).content.decode()
    assert html.index(">999</a>") < html.index('href="/chat/"')


def test_every_guide_and_step_has_the_need_to_talk_area(client: Client, db: None) -> None:
    guide = make_guide()
    add_step(guide, title="First")
    for path in (f"/guides/{guide.slug}/", f"/guides/{guide.slug}/steps/1/"):
        page = client.get(path).content.decode()
        assert "Need to talk to someone?" in page and 'href="/chat/"' in page, path


def test_the_signed_in_home_offers_chat(alice_client: Client, alice: Any) -> None:
    assert 'href="/chat/"' in alice_client.get("/account/").content.decode()
