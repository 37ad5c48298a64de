from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from guides.models import Audience, Guide, Status, Topic
from referrals.models import ImpactCheck

pytestmark = pytest.mark.django_db

CALM = {
    "safe_now": "yes",
    "worried_about_harm": "no",
    "daily_life": "a_little",
    "harm_thoughts": "no",
    "someone_to_talk_to": "yes",
}


def answers(**changes: str) -> dict[str, str]:
    return {**CALM, **changes}


@pytest.fixture
def coping_guide(db: None) -> Guide:
    topic = Topic.objects.create(slug="coping", title="Coping", summary="s", order=1, published=True)
    return Guide.objects.create(
        topic=topic,
        slug="sleeping-better",
        title="Sleeping better",
        summary="Sleep.",
        status=Status.PUBLISHED,
        audience=Audience.EVERYONE,
    )


def test_anyone_can_take_the_check_without_an_account(client: Client) -> None:
    response = client.get("/get-support/check/")
    assert response.status_code == 200
    assert "Are you safe right now?" in response.content.decode()


def test_not_safe_now_puts_999_and_crisis_numbers_first(client: Client) -> None:
    response = client.post("/get-support/check/", answers(safe_now="no"), follow=True)
    html = response.content.decode()
    assert "Please get help now" in html
    assert html.index("999") < html.index("Ask our team to contact you")
    assert "116 123" in html


def test_thoughts_of_self_harm_put_crisis_numbers_first(client: Client) -> None:
    html = client.post("/get-support/check/", answers(harm_thoughts="yes"), follow=True).content.decode()
    assert "Please get help now" in html
    assert "Samaritans" in html


def test_severe_impact_offers_a_caseworker_before_guides(alice_client: Client, coping_guide: Guide) -> None:
    html = alice_client.post("/get-support/check/", answers(daily_life="very_much"), follow=True).content.decode()
    assert "Talking to someone could help" in html
    assert html.index('href="/get-support/caseworker/"') < html.index("Supportline") < html.index("Sleeping better")


def test_severe_impact_signed_out_is_offered_the_request_form_needing_no_account(client: Client) -> None:
    html = client.post("/get-support/check/", answers(worried_about_harm="yes"), follow=True).content.decode()
    assert "Talking to someone could help" in html
    assert 'href="/get-support/out-of-hours/"' in html


def test_low_impact_recommends_guides_and_still_shows_a_person(client: Client, coping_guide: Guide) -> None:
    html = client.post("/get-support/check/", CALM, follow=True).content.decode()
    assert "Guides that may help" in html
    assert html.index("Sleeping better") < html.index("Ask our team to contact you")


def test_moderate_impact_recommends_guides(client: Client, coping_guide: Guide) -> None:
    html = client.post("/get-support/check/", answers(daily_life="quite_a_lot"), follow=True).content.decode()
    assert "Guides that may help" in html
    assert "Sleeping better" in html


def test_the_result_never_calls_itself_clinical(client: Client) -> None:
    for changes in [{}, {"daily_life": "quite_a_lot"}, {"daily_life": "very_much"}, {"safe_now": "no"}]:
        html = client.post("/get-support/check/", answers(**changes), follow=True).content.decode().lower()
        assert "not a medical assessment" in html
        for word in ["score", "severity", "clinical", "symptom", "patient"]:
            assert word not in html


def test_unanswered_questions_get_a_gov_uk_error_summary(client: Client) -> None:
    response = client.post("/get-support/check/", {"safe_now": "yes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_daily_life_0"' in html
    assert "Select how much it is affecting your everyday life" in html


def test_signed_out_answers_are_not_kept(client: Client) -> None:
    client.post("/get-support/check/", answers(safe_now="no"))
    assert ImpactCheck.objects.count() == 0


def test_signed_in_answers_are_kept_and_listed_by_date(alice_client: Client, alice: Any) -> None:
    alice_client.post("/get-support/check/", CALM)
    alice_client.post("/get-support/check/", answers(daily_life="very_much"))
    checks = list(ImpactCheck.objects.filter(user=alice))
    assert [check.outcome for check in checks] == ["severe", "low"]
    html = alice_client.get("/get-support/yours/").content.decode()
    for check in checks:
        assert f'href="/get-support/check/{check.pk}/"' in html


def test_a_past_result_shows_what_was_suggested(alice_client: Client, alice: Any) -> None:
    response = alice_client.post("/get-support/check/", answers(safe_now="no"))
    check = ImpactCheck.objects.get(user=alice)
    assert response["Location"] == f"/get-support/check/{check.pk}/"
    assert "Please get help now" in alice_client.get(response["Location"]).content.decode()


def test_an_outsider_gets_404_for_someone_elses_result(
    alice_client: Client, charlie_client: Client, alice: Any
) -> None:
    alice_client.post("/get-support/check/", CALM)
    check = ImpactCheck.objects.get(user=alice)
    assert charlie_client.get(f"/get-support/check/{check.pk}/").status_code == 404


def test_the_result_page_without_a_check_goes_back_to_the_questions(client: Client) -> None:
    response = client.get("/get-support/check/result/")
    assert response["Location"] == "/get-support/check/"


def test_it_is_offered_on_the_home_page_and_the_persons_home(client: Client, alice_client: Client) -> None:
    assert 'href="/get-support/check/"' in client.get("/").content.decode()
    assert 'href="/get-support/check/"' in alice_client.get("/account/").content.decode()


def test_get_support_is_in_the_navigation_for_everyone(client: Client, alice_client: Client) -> None:
    for visitor in (client, alice_client):
        assert 'href="/get-support/"' in visitor.get("/").content.decode()
    assert client.get("/get-support/").status_code == 200


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({}, "low"),
        ({"someone_to_talk_to": "not_really"}, "moderate"),
        ({"worried_about_harm": "unsure"}, "moderate"),
        ({"daily_life": "quite_a_lot"}, "moderate"),
        ({"daily_life": "very_much"}, "severe"),
        ({"worried_about_harm": "yes"}, "severe"),
        ({"safe_now": "unsure"}, "severe"),
        ({"harm_thoughts": "rather_not_say"}, "severe"),
        ({"safe_now": "no"}, "danger"),
        ({"harm_thoughts": "yes", "daily_life": "a_little"}, "danger"),
    ],
)
def test_where_each_answer_steers(changes: dict[str, str], outcome: str) -> None:
    assert ImpactCheck.outcome_for(answers(**changes)) == outcome
