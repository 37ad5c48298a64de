"""Suggestions that fit what happened: on Your space, the guide list and the impact check's results."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from guides.models import Guide, Topic
from guides.services import load_shipped_content
from situation.models import WhatHappened
from tests.factories import make_user, signed_in_client

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
IMPACT_LOW = {
    "safe_now": "yes",
    "worried_about_harm": "no",
    "daily_life": "a_little",
    "harm_thoughts": "no",
    "someone_to_talk_to": "yes",
}


@pytest.fixture
def shipped(db: None) -> None:
    load_shipped_content(fixtures_dir=FIXTURES, stdout=io.StringIO())


def _told(user: Any, *crime_types: str) -> None:
    WhatHappened.objects.create(user=user, crime_types=list(crime_types))


def _titles_in_order(page: str, candidates: list[str]) -> list[str]:
    found = [(page.index(title), title) for title in candidates if title in page]
    return [title for _, title in sorted(found)]


def test_a_burglary_victims_first_suggestions_are_about_burglary_and_home_safety(
    shipped: None, alice: Any, alice_client: Client
) -> None:
    _told(alice, "burglary")
    page = alice_client.get("/account/").content.decode()
    assert "Suggested for you" in page
    panel = page.split("Suggested for you", 1)[1].split("</ul>")[0]
    titles = _titles_in_order(panel, list(Guide.objects.values_list("title", flat=True)))
    assert titles == ["After a burglary", "Feeling safe at home again", "Practical steps to secure your home"]


def test_without_an_answer_a_victim_gets_the_general_suggestions(
    shipped: None, alice: Any, alice_client: Client
) -> None:
    page = alice_client.get("/account/").content.decode()
    assert "Guides you might find helpful" in page
    assert "Suggested for you" not in page
    panel = page.split("Guides you might find helpful", 1)[1].split("</ul>")[0]
    assert "Understanding stalking and harassment" in panel  # the editors' first topic


def test_a_fraud_victim_is_shown_fraud_guides_first(shipped: None, alice: Any, alice_client: Client) -> None:
    _told(alice, "fraud")
    panel = alice_client.get("/account/").content.decode().split("Suggested for you", 1)[1].split("</ul>")[0]
    titles = _titles_in_order(panel, list(Guide.objects.values_list("title", flat=True)))
    assert len(titles) == 3
    for title in titles:
        guide = Guide.objects.select_related("topic").get(title=title)
        assert "fraud" in guide.helps_with(), title


def test_guides_already_started_are_not_suggested_again(shipped: None, alice: Any, alice_client: Client) -> None:
    _told(alice, "burglary")
    alice_client.post("/guides/after-a-burglary/steps/1/save/", {"action": "next"})
    panel = alice_client.get("/account/").content.decode().split("Suggested for you", 1)[1].split("</ul>")[0]
    assert "After a burglary" not in panel
    assert "Feeling safe at home again" in panel


def test_a_witness_is_offered_the_witness_route_first(shipped: None) -> None:
    witness = make_user("dana@example.org", role=Role.WITNESS)
    page = signed_in_client(witness).get("/account/").content.decode()
    panel = page.split("Guides for witnesses", 1)[1].split("</ul>")[0]
    assert _titles_in_order(panel, ["What being a witness involves", "Going to court to give evidence"]) == [
        "What being a witness involves",
        "Going to court to give evidence",
    ]


def test_victims_can_find_the_witness_guides_too(shipped: None, alice_client: Client) -> None:
    assert alice_client.get("/guides/going-to-court-as-a-witness/").status_code == 200
    assert "Being a witness" in alice_client.get("/guides/").content.decode()


def test_the_guide_list_puts_topics_for_what_happened_first(shipped: None, alice: Any, alice_client: Client) -> None:
    _told(alice, "burglary")
    page = alice_client.get("/guides/").content.decode()
    topics = _titles_in_order(page, [f">{title}</a></h2>" for title in Topic.objects.values_list("title", flat=True)])
    assert topics[0] == ">Home safety</a></h2>"
    assert "Suggested for you" in page.split(">Home safety</a></h2>")[0]
    assert page.count("Suggested for you") == 1


def test_the_guide_list_for_a_supporter_starts_with_supporting(shipped: None, bob_client: Client) -> None:
    page = bob_client.get("/guides/").content.decode()
    topics = _titles_in_order(page, [f">{title}</a></h2>" for title in Topic.objects.values_list("title", flat=True)])
    assert topics[0] == ">Supporting someone after crime</a></h2>"


def test_impact_check_results_put_guides_for_what_happened_first(
    shipped: None, alice: Any, alice_client: Client
) -> None:
    _told(alice, "burglary")
    page = alice_client.get(alice_client.post("/get-support/check/", IMPACT_LOW)["Location"]).content.decode()
    titles = _titles_in_order(page, list(Guide.objects.values_list("title", flat=True)))
    assert titles[:3] == ["After a burglary", "Feeling safe at home again", "Practical steps to secure your home"]
    assert titles[3] == "Sleeping better"  # then general coping


def test_impact_check_results_differ_by_what_happened(shipped: None, alice: Any, charlie: Any) -> None:
    _told(alice, "burglary")
    _told(charlie, "stalking-or-harassment")
    pages = []
    for person in (alice, charlie):
        client = signed_in_client(person)
        pages.append(client.get(client.post("/get-support/check/", IMPACT_LOW)["Location"]).content.decode())
    assert "After a burglary" in pages[0] and "After a burglary" not in pages[1]
    assert "Understanding stalking and harassment" in pages[1]


def test_signed_out_impact_check_results_are_the_general_coping_guides(shipped: None, client: Client) -> None:
    client.post("/get-support/check/", IMPACT_LOW)
    page = client.get("/get-support/check/result/").content.decode()
    assert _titles_in_order(page, list(Guide.objects.values_list("title", flat=True)))[0] == "Sleeping better"


def test_every_shipped_topic_for_victims_is_tagged_or_general(shipped: None) -> None:
    untagged = set(Topic.objects.filter(audience="victim", crime_types=[]).values_list("slug", flat=True))
    assert untagged == {"face-coverings-and-anxiety"}
