"""The impact check for supporters: about the person they support, and about themselves."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from guides.models import Audience, Guide, Status, Topic
from referrals.models import ImpactCheck

pytestmark = pytest.mark.django_db

URL = "/get-support/check/someone-you-support/"

BOTH_OK = {
    "their_safe_now": "yes",
    "their_harm_thoughts": "no",
    "their_daily_life": "a_little",
    "your_strain": "a_little",
    "your_someone_to_talk_to": "yes",
}


def answers(**changes: str) -> dict[str, str]:
    return {**BOTH_OK, **changes}


@pytest.fixture
def supporter_guide(db: None) -> Guide:
    topic = Topic.objects.create(slug="supporting", title="Supporting someone", summary="s", order=1, published=True)
    return Guide.objects.create(
        topic=topic,
        slug="listening-well",
        title="Listening well",
        summary="How to listen.",
        status=Status.PUBLISHED,
        audience=Audience.SUPPORTER,
    )


def test_a_signed_in_supporter_is_asked_the_supporters_questions(bob_client: Client) -> None:
    response = bob_client.get("/get-support/check/")
    assert response["Location"] == URL
    html = bob_client.get(URL).content.decode()
    assert "Is the person you support safe right now?" in html
    assert "How much is supporting them affecting you?" in html


def test_a_supporter_can_still_answer_about_themselves(bob_client: Client) -> None:
    html = bob_client.get("/get-support/check/?about=yourself").content.decode()
    assert "Are you safe right now?" in html


def test_anyone_can_say_they_are_answering_for_someone_else(client: Client, alice_client: Client) -> None:
    for visitor in (client, alice_client):
        assert f'href="{URL}"' in visitor.get("/get-support/check/").content.decode()
        response = visitor.get(URL)
        assert response.status_code == 200
        assert "About the person you support" in response.content.decode()


def test_their_danger_steers_to_999_and_what_to_do_now(client: Client, supporter_guide: Guide) -> None:
    html = client.post(URL, answers(their_safe_now="no"), follow=True).content.decode()
    assert "If they are in danger, get help now" in html
    assert html.index("999") < html.index("What you can do now") < html.index("Support for you")
    assert "116 123" in html


def test_their_talk_of_self_harm_steers_to_999_and_samaritans(client: Client) -> None:
    html = client.post(URL, answers(their_harm_thoughts="yes"), follow=True).content.decode()
    assert "If they are in danger, get help now" in html
    assert "Samaritans" in html


def test_not_knowing_if_they_are_safe_points_them_to_a_person(client: Client) -> None:
    html = client.post(URL, answers(their_safe_now="unsure"), follow=True).content.decode()
    assert "They may need more help than one person can give" in html
    assert 'href="/chat/' in html
    assert "If they are in danger, get help now" not in html


def test_when_they_are_coping_the_supporter_gets_guides_on_helping(client: Client, supporter_guide: Guide) -> None:
    html = client.post(URL, BOTH_OK, follow=True).content.decode()
    assert "How you can help them" in html
    assert "Listening well" in html
    assert "If they are in danger" not in html


def test_the_supporters_own_strain_steers_them_to_supportline_chat_and_guides(
    client: Client, supporter_guide: Guide
) -> None:
    html = client.post(URL, answers(your_strain="very_much"), follow=True).content.decode()
    support_for_you = html[html.index("Support for you") :]
    assert "taking a lot out of you" in support_for_you
    assert "Supportline" in support_for_you
    assert "Chat to a supporter" in support_for_you
    assert "Listening well" in support_for_you


def test_a_supporter_who_is_coping_is_not_pressed_to_talk(client: Client) -> None:
    html = client.post(URL, BOTH_OK, follow=True).content.decode()
    assert "It sounds as if you are coping" in html
    assert "Chat to a supporter" not in html


def test_a_victim_check_after_a_supporter_check_shows_the_victim_result(client: Client) -> None:
    client.post(URL, answers(their_safe_now="no"))
    calm = {
        "safe_now": "yes",
        "worried_about_harm": "no",
        "daily_life": "a_little",
        "harm_thoughts": "no",
        "someone_to_talk_to": "yes",
    }
    html = client.post("/get-support/check/", calm, follow=True).content.decode()
    assert "Guides that may help" in html
    assert "If they are in danger" not in html


def test_signed_out_answers_are_not_kept(client: Client) -> None:
    client.post(URL, answers(their_safe_now="no"))
    assert ImpactCheck.objects.count() == 0


def test_signed_in_answers_are_kept_with_both_outcomes(bob_client: Client, bob: Any) -> None:
    response = bob_client.post(URL, answers(their_safe_now="no", your_strain="quite_a_lot"))
    check = ImpactCheck.objects.get(user=bob)
    assert response["Location"] == f"/get-support/check/{check.pk}/"
    assert (check.about, check.their_outcome, check.outcome) == ("someone_supported", "danger", "moderate")
    assert check.safe_now == ""
    assert "If they are in danger, get help now" in bob_client.get(response["Location"]).content.decode()
    assert "(about someone you support)" in bob_client.get("/get-support/yours/").content.decode()


def test_an_outsider_gets_404_for_a_supporters_result(bob_client: Client, charlie_client: Client, bob: Any) -> None:
    bob_client.post(URL, BOTH_OK)
    check = ImpactCheck.objects.get(user=bob)
    assert charlie_client.get(f"/get-support/check/{check.pk}/").status_code == 404


def test_the_supporters_own_strain_sets_their_requests_urgency(bob_client: Client, bob: Any) -> None:
    bob_client.post(URL, answers(their_safe_now="no", your_strain="very_much"))
    check = ImpactCheck.objects.get(user=bob)
    assert check.urgency_reasons() == ["hard_to_cope"]


def test_it_is_in_download_my_data(bob: Any, bob_client: Client) -> None:
    from referrals.services import export_for

    bob_client.post(URL, answers(their_daily_life="very_much"))
    [exported] = export_for(bob)["impact_checks"]
    assert exported["about"] == "someone_supported"
    assert exported["their_daily_life"] == "very_much"
    assert exported["outcome_for_the_person_supported"] == "severe"
    assert "safe_now" not in exported


def test_unanswered_questions_get_an_error_summary(client: Client) -> None:
    response = client.post(URL, {"their_safe_now": "yes"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_your_strain_0"' in html


@pytest.mark.parametrize(
    ("changes", "theirs", "own"),
    [
        ({}, "low", "low"),
        ({"their_daily_life": "quite_a_lot"}, "moderate", "low"),
        ({"their_daily_life": "very_much"}, "severe", "low"),
        ({"their_safe_now": "unsure"}, "severe", "low"),
        ({"their_harm_thoughts": "do_not_know"}, "severe", "low"),
        ({"their_safe_now": "no"}, "danger", "low"),
        ({"their_harm_thoughts": "yes"}, "danger", "low"),
        ({"your_someone_to_talk_to": "not_really"}, "low", "moderate"),
        ({"your_strain": "quite_a_lot"}, "low", "moderate"),
        ({"your_strain": "very_much"}, "low", "severe"),
    ],
)
def test_where_each_answer_steers(changes: dict[str, str], theirs: str, own: str) -> None:
    assert ImpactCheck.their_outcome_for(answers(**changes)) == theirs
    assert ImpactCheck.supporter_outcome_for(answers(**changes)) == own
