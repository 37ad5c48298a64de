"""A person's guides data is in "download my data" and goes with their account."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from guides.models import ActivityAnswer, GuideProgress, SavedItem
from tests.factories import PASSWORD, current_code
from tests.guides.factories import make_activity_guide

pytestmark = pytest.mark.django_db


def _work_through(client: Client) -> None:
    guide = make_activity_guide()
    client.post("/guides/noticing-feelings/steps/2/save/", {"action": "next", "answer": "My private words"})
    client.post("/guides/noticing-feelings/steps/3/save/", {"action": "leave", "answer": ["Poor sleep"]})
    client.post(f"/guides/steps/{guide.steps.get(title='Slow breathing').pk}/save/")
    client.post("/guides/noticing-feelings/save/")


def test_download_my_data_includes_progress_answers_and_saved_items(alice_client: Client, alice: Any) -> None:
    _work_through(alice_client)
    data = json.loads(alice_client.post("/account/settings/download/").content)["guides"]

    assert data["progress"] == [
        {
            "guide": "Noticing feelings",
            "current_step": "What you have noticed",
            "started_at": GuideProgress.objects.get().started_at.isoformat(),
            "completed_at": None,
            "updated": GuideProgress.objects.get().updated.isoformat(),
        }
    ]
    answers = {row["step"]: row["answer"] for row in data["activity_answers"]}
    assert answers == {"Write it down": "My private words", "What you have noticed": ["Poor sleep"]}
    assert data["activity_answers"][0]["question"] == "What is on your mind?"
    assert {row["title"] for row in data["things_that_help_me"]} == {"Slow breathing", "Noticing feelings"}


def test_the_download_holds_nothing_of_anyone_else(alice_client: Client, charlie_client: Client) -> None:
    _work_through(alice_client)
    data = json.loads(charlie_client.post("/account/settings/download/").content)["guides"]
    assert data == {"progress": [], "activity_answers": [], "things_that_help_me": []}


def test_deleting_the_account_removes_progress_answers_and_saved_items(
    alice_client: Client, alice: Any, charlie_client: Client
) -> None:
    _work_through(alice_client)
    charlie_client.post("/guides/noticing-feelings/steps/2/save/", {"action": "next", "answer": "Charlie's"})
    assert ActivityAnswer.objects.filter(user=alice).count() == 2

    response = alice_client.post("/account/settings/delete/", {"password": PASSWORD, "code": current_code(alice)})

    assert response["Location"] == "/account/deleted/"
    assert not GuideProgress.objects.filter(user_id=alice.pk).exists()
    assert not ActivityAnswer.objects.filter(user_id=alice.pk).exists()
    assert not SavedItem.objects.filter(user_id=alice.pk).exists()
    assert ActivityAnswer.objects.get().answer == "Charlie's"
