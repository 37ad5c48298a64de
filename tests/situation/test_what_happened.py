"""What happened: optional, private, asked once after sign-up, changeable in settings, exported and erased."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from situation.models import WhatHappened
from tests.factories import PASSWORD, current_code

pytestmark = pytest.mark.django_db


def test_settings_show_what_happened_and_link_to_change_it(alice_client: Client) -> None:
    page = alice_client.get("/account/settings/").content.decode()
    assert "What happened" in page
    assert 'href="/account/what-happened/"' in page
    assert "You have not told us" in page


def test_a_person_can_say_what_happened_and_whether_it_was_reported(alice_client: Client, alice: Any) -> None:
    response = alice_client.post(
        "/account/what-happened/", {"crime_types": ["burglary", "theft-or-robbery"], "reported": "yes"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/settings/"
    answer = WhatHappened.objects.get(user=alice)
    assert answer.crime_types == ["burglary", "theft-or-robbery"]
    assert answer.reported == "yes"
    page = alice_client.get("/account/settings/").content.decode()
    assert "Burglary (someone broke into my home), Theft or robbery" in page


def test_the_form_shows_the_earlier_answer_to_change(alice_client: Client, alice: Any) -> None:
    WhatHappened.objects.create(user=alice, crime_types=["fraud"], reported="no")
    page = alice_client.get("/account/what-happened/").content.decode()
    assert 'value="fraud" id="id_crime_types_2" checked' in page
    assert 'value="no" id="id_reported_2" checked' in page


def test_nothing_is_required(alice_client: Client, alice: Any) -> None:
    response = alice_client.post("/account/what-happened/", {})
    assert response.status_code == 302
    assert WhatHappened.objects.get(user=alice).is_empty


def test_rather_not_say_cannot_be_ticked_with_something_else(alice_client: Client, alice: Any) -> None:
    response = alice_client.post("/account/what-happened/", {"crime_types": ["fraud", "rather-not-say"]})
    assert response.status_code == 200
    assert "Choose what happened, or that you would rather not say, but not both" in response.content.decode()
    assert not WhatHappened.objects.filter(user=alice).exists()


def test_an_unknown_choice_is_refused(alice_client: Client, alice: Any) -> None:
    response = alice_client.post("/account/what-happened/", {"crime_types": ["piracy"]})
    assert response.status_code == 200
    assert not WhatHappened.objects.filter(user=alice).exists()


def test_removing_the_answer_clears_it(alice_client: Client, alice: Any) -> None:
    WhatHappened.objects.create(user=alice, crime_types=["assault"], reported="yes")
    assert "Remove what I told you" in alice_client.get("/account/what-happened/").content.decode()

    response = alice_client.post("/account/what-happened/remove/")

    assert response["Location"] == "/account/settings/"
    assert WhatHappened.objects.get(user=alice).is_empty


def test_removing_needs_a_post(alice_client: Client, alice: Any) -> None:
    WhatHappened.objects.create(user=alice, crime_types=["assault"])
    assert alice_client.get("/account/what-happened/remove/").status_code == 405
    assert WhatHappened.objects.get(user=alice).crime_types == ["assault"]


def test_one_persons_answer_never_touches_anothers(alice_client: Client, alice: Any, charlie: Any) -> None:
    WhatHappened.objects.create(user=charlie, crime_types=["fraud"], reported="yes")
    alice_client.post("/account/what-happened/", {"crime_types": ["burglary"]})
    alice_client.post("/account/what-happened/remove/")
    assert WhatHappened.objects.get(user=charlie).crime_types == ["fraud"]


def test_signed_out_people_are_sent_to_sign_in() -> None:
    response = Client().get("/account/what-happened/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


# --- After sign-up -------------------------------------------------------------------------------


def test_the_backup_codes_page_leads_to_the_optional_question(alice_client: Client) -> None:
    session = alice_client.session
    session["backup_codes_to_show"] = ["abcde-fghjk"]
    session.save()
    page = alice_client.get("/account/backup-codes/").content.decode()
    assert 'href="/account/what-happened/welcome/"' in page


def test_after_sign_up_the_question_can_be_answered(alice_client: Client, alice: Any) -> None:
    page = alice_client.get("/account/what-happened/welcome/").content.decode()
    assert "Would you like to tell us what happened?" in page
    assert "Skip this question" in page

    response = alice_client.post("/account/what-happened/welcome/", {"crime_types": ["burglary"], "reported": ""})

    assert response["Location"] == "/account/"
    assert WhatHappened.objects.get(user=alice).crime_types == ["burglary"]


def test_after_sign_up_the_question_can_be_skipped_and_is_not_asked_again(alice_client: Client, alice: Any) -> None:
    response = alice_client.post("/account/what-happened/welcome/", {"skip": "1", "crime_types": ["fraud"]})

    assert response["Location"] == "/account/"
    assert WhatHappened.objects.get(user=alice).is_empty
    assert alice_client.get("/account/what-happened/welcome/")["Location"] == "/account/"


# --- Download my data and delete my account ------------------------------------------------------


def test_download_my_data_includes_what_happened(alice_client: Client, alice: Any, charlie: Any) -> None:
    WhatHappened.objects.create(user=charlie, crime_types=["assault"])
    alice_client.post("/account/what-happened/", {"crime_types": ["fraud"], "reported": "not-yet"})

    data = json.loads(alice_client.post("/account/settings/download/").content)["what_happened_and_timeline"]

    assert data["what_happened"]["what_happened"] == ["Fraud or a scam"]
    assert data["what_happened"]["reported_to_police"] == "Not yet, or I have not decided"


def test_what_happened_goes_with_the_account(alice_client: Client, alice: Any, charlie: Any) -> None:
    WhatHappened.objects.create(user=alice, crime_types=["fraud"])
    WhatHappened.objects.create(user=charlie, crime_types=["fraud"])

    alice_client.post("/account/settings/delete/", {"password": PASSWORD, "code": current_code(alice)})

    assert list(WhatHappened.objects.values_list("user", flat=True)) == [charlie.pk]
