"""Working through a guide: moving on saves, answers are kept privately, people come back to the exact step."""

from __future__ import annotations

import pytest
from django.test import Client

from guides.models import ActivityAnswer, GuideProgress, Step
from tests.guides.factories import add_step, make_activity_guide, make_guide

pytestmark = pytest.mark.django_db


def _progress(user, guide) -> GuideProgress:
    return GuideProgress.objects.get(user=user, guide=guide)


def test_it_saves_progress_on_next(alice_client: Client, alice) -> None:
    guide = make_guide("three-steps", steps=3)
    response = alice_client.post("/guides/three-steps/steps/1/save/", {"action": "next"})
    assert response["Location"] == "/guides/three-steps/steps/2/"
    assert _progress(alice, guide).current_step.title == "Step 2"

    alice_client.post("/guides/three-steps/steps/2/save/", {"action": "next"})
    assert _progress(alice, guide).current_step.title == "Step 3"
    assert _progress(alice, guide).completed_at is None


def test_previous_moves_the_place_back(alice_client: Client, alice) -> None:
    guide = make_guide("three-steps", steps=3)
    response = alice_client.post("/guides/three-steps/steps/3/save/", {"action": "previous"})
    assert response["Location"] == "/guides/three-steps/steps/2/"
    assert _progress(alice, guide).current_step.title == "Step 2"


def test_leaving_keeps_the_place_and_home_continues_at_that_exact_step(alice_client: Client, alice) -> None:
    make_guide("three-steps", title="Three steps", steps=3)
    alice_client.post("/guides/three-steps/steps/1/save/", {"action": "next"})
    response = alice_client.post("/guides/three-steps/steps/2/save/", {"action": "leave"})
    assert response["Location"] == "/account/"

    home = alice_client.get("/account/").content.decode()
    assert "Your place is saved" in home
    assert "Continue where you left off" in home
    assert 'href="/guides/three-steps/steps/2/"' in home
    assert "Step 2 of 3" in home
    overview = alice_client.get("/guides/three-steps/").content.decode()
    assert "Continue from step 2" in overview
    assert 'href="/guides/three-steps/steps/2/"' in overview


def test_finishing_marks_the_guide_completed(alice_client: Client, alice) -> None:
    guide = make_guide("two-steps", title="Two steps", steps=2)
    alice_client.post("/guides/two-steps/steps/1/save/", {"action": "next"})
    response = alice_client.post("/guides/two-steps/steps/2/save/", {"action": "next"})
    assert response["Location"] == "/guides/two-steps/"
    assert _progress(alice, guide).completed_at is not None

    overview = alice_client.get("/guides/two-steps/").content.decode()
    assert "You have finished this guide" in overview
    assert "Completed" in overview
    assert "Completed" in alice_client.get("/guides/topics/feeling-safer/").content.decode()
    assert "Completed" in alice_client.get("/guides/two-steps/steps/1/").content.decode()
    # A finished guide is not offered as "continue where you left off".
    assert "Continue where you left off" not in alice_client.get("/account/").content.decode()


def test_restarting_goes_back_to_step_one_and_keeps_answers(alice_client: Client, alice) -> None:
    guide = make_activity_guide()
    alice_client.post("/guides/noticing-feelings/steps/2/save/", {"action": "next", "answer": "Worried about work"})
    for number in range(3, 7):
        alice_client.post(f"/guides/noticing-feelings/steps/{number}/save/", {"action": "next"})
    assert _progress(alice, guide).is_complete

    response = alice_client.post("/guides/noticing-feelings/restart/")
    assert response["Location"] == "/guides/noticing-feelings/steps/1/"
    progress = _progress(alice, guide)
    assert progress.completed_at is None
    assert progress.current_step.title == "What this is about"
    assert ActivityAnswer.objects.get(user=alice).answer == "Worried about work"


def test_people_signed_out_cannot_save(client: Client) -> None:
    make_guide("three-steps", steps=3)
    response = client.post("/guides/three-steps/steps/1/save/", {"action": "next"})
    assert response["Location"].startswith("/account/sign-in/")
    assert not GuideProgress.objects.exists()


def test_saving_needs_a_post(alice_client: Client) -> None:
    make_guide("three-steps", steps=3)
    assert alice_client.get("/guides/three-steps/steps/1/save/").status_code == 405
    assert alice_client.get("/guides/three-steps/restart/").status_code == 405


def test_a_text_answer_is_saved_and_shown_again(alice_client: Client, alice) -> None:
    make_activity_guide()
    alice_client.post(
        "/guides/noticing-feelings/steps/2/save/", {"action": "next", "answer": "  I keep checking the door  "}
    )
    assert ActivityAnswer.objects.get(user=alice).answer == "I keep checking the door"

    html = alice_client.get("/guides/noticing-feelings/steps/2/").content.decode()
    assert ">\nI keep checking the door</textarea>" in html
    assert "What is on your mind?" in html


def test_a_checklist_answer_is_saved_in_the_editors_order_and_shown_again(alice_client: Client, alice) -> None:
    make_activity_guide()
    alice_client.post(
        "/guides/noticing-feelings/steps/3/save/", {"action": "next", "answer": ["Avoiding places", "Poor sleep"]}
    )
    assert ActivityAnswer.objects.get(user=alice).answer == ["Poor sleep", "Avoiding places"]

    html = alice_client.get("/guides/noticing-feelings/steps/3/").content.decode()
    assert 'value="Poor sleep" id="id_answer_0" checked' in html
    assert 'value="Feeling on edge" id="id_answer_1">' in html
    assert 'value="Avoiding places" id="id_answer_2" checked' in html


def test_a_rating_is_saved_and_shown_again(alice_client: Client, alice) -> None:
    make_activity_guide()
    alice_client.post("/guides/noticing-feelings/steps/4/save/", {"action": "leave", "answer": "2"})
    assert ActivityAnswer.objects.get(user=alice).answer == 2

    html = alice_client.get("/guides/noticing-feelings/steps/4/").content.decode()
    assert 'value="2" id="id_answer_1" checked' in html
    assert "1: Not safe at all" in html and "5: Completely safe" in html


def test_an_empty_answer_removes_the_earlier_one(alice_client: Client, alice) -> None:
    make_activity_guide()
    alice_client.post("/guides/noticing-feelings/steps/2/save/", {"action": "next", "answer": "Something"})
    alice_client.post("/guides/noticing-feelings/steps/2/save/", {"action": "next", "answer": ""})
    assert not ActivityAnswer.objects.filter(user=alice).exists()


@pytest.mark.parametrize(
    ("number", "answer", "message"),
    [
        (2, "x" * 5001, "Your answer must be 5000 characters or fewer."),
        (3, ["Poor sleep", "Something made up"], "Choose from the list."),
        (4, "9", "Choose a number from 1 to 5."),
    ],
)
def test_a_bad_answer_gets_an_error_summary_and_nothing_is_saved(
    alice_client: Client, alice, number: int, answer, message: str
) -> None:
    make_activity_guide()
    response = alice_client.post(
        f"/guides/noticing-feelings/steps/{number}/save/", {"action": "next", "answer": answer}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert 'href="#id_answer' in html
    assert "<title>Error: " in html
    assert not ActivityAnswer.objects.exists()
    assert not GuideProgress.objects.exists()


def test_answers_are_never_shown_to_another_person(alice_client: Client, charlie_client: Client, alice) -> None:
    make_activity_guide()
    alice_client.post("/guides/noticing-feelings/steps/2/save/", {"action": "next", "answer": "Alice's private note"})

    assert "Alice&#x27;s private note" in alice_client.get("/guides/noticing-feelings/steps/2/").content.decode()
    html = charlie_client.get("/guides/noticing-feelings/steps/2/").content.decode()
    assert "private note" not in html
    assert "Continue where you left off" not in charlie_client.get("/account/").content.decode()
    assert "Continue from step" not in charlie_client.get("/guides/noticing-feelings/").content.decode()
    signed_out = Client().get("/guides/noticing-feelings/steps/2/").content.decode()
    assert "private note" not in signed_out


def test_a_person_whose_step_was_deleted_lands_on_the_next_one(alice_client: Client, alice) -> None:
    guide = make_guide("five-steps", steps=5)
    for number in range(1, 3):
        alice_client.post(f"/guides/five-steps/steps/{number}/save/", {"action": "next"})
    assert _progress(alice, guide).current_step.title == "Step 3"

    # An editor deletes an earlier step and the step alice was on, and adds one at the end.
    Step.objects.filter(guide=guide, title__in=["Step 1", "Step 3"]).delete()
    add_step(guide, title="A new last step")
    home = alice_client.get("/account/").content.decode()
    assert 'href="/guides/five-steps/steps/2/"' in home  # "Step 4", now the second of four
    assert "Step 2 of 4" in home
    assert "Continue from step 2" in alice_client.get("/guides/five-steps/").content.decode()


def test_a_person_whose_last_step_was_deleted_lands_on_the_new_last_step(alice_client: Client, alice) -> None:
    guide = make_guide("five-steps", steps=5)
    alice_client.post("/guides/five-steps/steps/4/save/", {"action": "next"})
    Step.objects.filter(guide=guide, title="Step 5").delete()
    assert 'href="/guides/five-steps/steps/4/"' in alice_client.get("/account/").content.decode()


def test_a_guide_unpublished_after_starting_drops_out_of_continue(alice_client: Client) -> None:
    guide = make_guide("three-steps", title="Three steps", steps=3)
    alice_client.post("/guides/three-steps/steps/1/save/", {"action": "next"})
    guide.status = "draft"
    guide.save()
    assert "Continue where you left off" not in alice_client.get("/account/").content.decode()
    assert alice_client.post("/guides/three-steps/steps/2/save/", {"action": "next"}).status_code == 404


def test_home_recommends_guides_for_the_persons_role(alice_client: Client, bob_client: Client) -> None:
    make_guide("for-victims", title="Coping after crime", steps=1)
    make_guide("for-supporters", title="Supporting someone", audience="supporter", steps=1)
    make_guide("for-all", title="Sleeping better", audience="everyone", steps=1)

    bob_home = bob_client.get("/account/").content.decode()
    assert "Guides for supporting someone" in bob_home
    assert "Supporting someone" in bob_home and "Coping after crime" not in bob_home
    assert bob_home.index("Supporting someone") < bob_home.index("Sleeping better")
    alice_home = alice_client.get("/account/").content.decode()
    assert "Coping after crime" in alice_home and "Supporting someone" not in alice_home
