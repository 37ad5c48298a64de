"""Saving techniques, tips and guides to "things that help me"."""

from __future__ import annotations

import pytest
from django.test import Client

from guides.models import SavedItem
from tests.guides.factories import make_activity_guide, make_guide

pytestmark = pytest.mark.django_db


def test_a_technique_can_be_saved_and_found_again(alice_client: Client, alice) -> None:
    guide = make_activity_guide()
    technique = guide.steps.get(title="Slow breathing")
    html = alice_client.get("/guides/noticing-feelings/steps/5/").content.decode()
    assert "Save to things that help me" in html

    response = alice_client.post(f"/guides/steps/{technique.pk}/save/")
    assert response["Location"] == f"/guides/steps/{technique.pk}/"
    assert SavedItem.objects.get(user=alice).step == technique
    after = alice_client.get("/guides/noticing-feelings/steps/5/").content.decode()
    assert "This is on your list of" in after

    listing = alice_client.get("/guides/things-that-help-me/").content.decode()
    assert "Slow breathing" in listing
    assert "Technique from “Noticing feelings”" in listing
    assert f'href="/guides/steps/{technique.pk}/"' in listing
    assert "(1 saved)" in alice_client.get("/account/").content.decode()


def test_tips_and_whole_guides_can_be_saved(alice_client: Client, alice) -> None:
    guide = make_activity_guide()
    tips = guide.steps.get(title="Tips for today")
    alice_client.post(f"/guides/steps/{tips.pk}/save/")
    response = alice_client.post("/guides/noticing-feelings/save/")
    assert response["Location"] == "/guides/noticing-feelings/"

    assert SavedItem.objects.filter(user=alice).count() == 2
    listing = alice_client.get("/guides/things-that-help-me/").content.decode()
    assert "Tips for today" in listing
    assert 'href="/guides/noticing-feelings/"' in listing


def test_saving_twice_keeps_one(alice_client: Client, alice) -> None:
    guide = make_activity_guide()
    technique = guide.steps.get(title="Slow breathing")
    alice_client.post(f"/guides/steps/{technique.pk}/save/")
    alice_client.post(f"/guides/steps/{technique.pk}/save/")
    alice_client.post("/guides/noticing-feelings/save/")
    alice_client.post("/guides/noticing-feelings/save/")
    assert SavedItem.objects.filter(user=alice).count() == 2


def test_information_and_activity_steps_cannot_be_saved(alice_client: Client) -> None:
    guide = make_activity_guide()
    for title in ("What this is about", "Write it down"):
        step = guide.steps.get(title=title)
        assert alice_client.post(f"/guides/steps/{step.pk}/save/").status_code == 404
    assert not SavedItem.objects.exists()


def test_a_draft_guides_technique_cannot_be_saved(alice_client: Client) -> None:
    guide = make_activity_guide(status="draft")
    technique = guide.steps.get(title="Slow breathing")
    assert alice_client.post(f"/guides/steps/{technique.pk}/save/").status_code == 404
    assert alice_client.post("/guides/noticing-feelings/save/").status_code == 404


def test_a_person_can_remove_an_item(alice_client: Client, alice) -> None:
    guide = make_activity_guide()
    technique = guide.steps.get(title="Slow breathing")
    alice_client.post(f"/guides/steps/{technique.pk}/save/")
    item = SavedItem.objects.get(user=alice)

    response = alice_client.post(f"/guides/things-that-help-me/{item.pk}/remove/")
    assert response["Location"] == "/guides/things-that-help-me/"
    assert not SavedItem.objects.exists()
    assert "Nothing here yet" in alice_client.get("/guides/things-that-help-me/").content.decode()


def test_outsider_gets_404_for_someone_elses_item(alice_client: Client, charlie_client: Client, alice) -> None:
    guide = make_activity_guide()
    alice_client.post(f"/guides/steps/{guide.steps.get(title='Slow breathing').pk}/save/")
    item = SavedItem.objects.get(user=alice)

    assert charlie_client.post(f"/guides/things-that-help-me/{item.pk}/remove/").status_code == 404
    assert SavedItem.objects.filter(pk=item.pk).exists()
    assert "Slow breathing" not in charlie_client.get("/guides/things-that-help-me/").content.decode()


def test_signed_out_people_are_not_offered_saving(client: Client) -> None:
    make_activity_guide()
    html = client.get("/guides/noticing-feelings/steps/5/").content.decode()
    assert "Save to things that help me" not in html
    assert client.get("/guides/things-that-help-me/")["Location"].startswith("/account/sign-in/")


def test_items_from_a_guide_returned_to_draft_are_not_listed(alice_client: Client, alice) -> None:
    guide = make_guide("sleep", title="Sleeping better", steps=1)
    alice_client.post("/guides/sleep/save/")
    guide.status = "draft"
    guide.save()
    listing = alice_client.get("/guides/things-that-help-me/").content.decode()
    assert 'href="/guides/sleep/"' not in listing
    assert "Nothing here yet" in listing


def test_a_step_shows_only_this_persons_own_saves_and_progress(alice_client: Client, alice) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from guides.models import GuideProgress
    from tests.factories import make_user, signed_in_client

    guide = make_activity_guide()
    technique = guide.steps.get(title="Slow breathing")
    alice_client.post(f"/guides/steps/{technique.pk}/save/")
    GuideProgress.objects.create(user=alice, guide=guide, completed_at=timezone.now())
    assert "This is on your list of" in alice_client.get("/guides/noticing-feelings/steps/5/").content.decode()
    assert "Completed</strong>" in alice_client.get("/guides/noticing-feelings/steps/5/").content.decode()
    bob = signed_in_client(make_user("bob@example.org"))
    bobs = bob.get("/guides/noticing-feelings/steps/5/").content.decode()
    assert "Save to things that help me" in bobs and "This is on your list of" not in bobs
    assert "Completed</strong>" not in bobs
