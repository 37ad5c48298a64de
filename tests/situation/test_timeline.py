"""The rights timeline pages: private to their owner, built from the person's own dates."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from situation.models import CaseDates, Reminder, WhatHappened
from tests.factories import PASSWORD, current_code

pytestmark = pytest.mark.django_db

LONDON_NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=timezone.get_fixed_timezone(0))


def _add_dates(client: Client, **dates: str) -> Any:
    return client.post("/timeline/new/", {"label": "", **dates})


def test_the_timeline_starts_with_an_invitation_to_add_dates(alice_client: Client) -> None:
    page = alice_client.get("/timeline/").content.decode()
    assert "Your rights timeline" in page
    assert 'href="/timeline/new/"' in page


@time_machine.travel(LONDON_NOON, tick=False)
def test_adding_dates_shows_what_the_person_is_entitled_to_and_by_when(alice_client: Client, alice: Any) -> None:
    response = _add_dates(alice_client, happened_on="2026-02-20", reported_on="2026-02-23", charged_on="2026-02-27")

    case = CaseDates.objects.get(user=alice)
    assert response["Location"] == f"/timeline/{case.pk}/"
    assert case.happened_on == datetime.date(2026, 2, 20)
    assert not case.reminders  # off unless asked for
    page = alice_client.get(f"/timeline/{case.pk}/").content.decode()
    assert "Being told about a charge" in page
    assert "Friday 6 March 2026" in page  # five working days after Friday 27 February
    assert "Claiming compensation for a violent crime" in page
    assert "Sunday 20 February 2028" in page
    assert "Victims&#x27; Code, Right 6" in page
    assert 'href="/rights/victims-code/"' in page
    # Nothing about dates they did not give.
    assert "Getting ready for court" not in page


def test_the_index_goes_straight_to_a_persons_only_timeline(alice_client: Client, alice: Any) -> None:
    case = CaseDates.objects.create(user=alice, happened_on=datetime.date(2026, 1, 1))
    assert alice_client.get("/timeline/")["Location"] == f"/timeline/{case.pk}/"
    CaseDates.objects.create(user=alice, label="The second time")
    assert "The second time" in alice_client.get("/timeline/").content.decode()


def test_what_happened_shapes_the_timeline(alice_client: Client, alice: Any) -> None:
    WhatHappened.objects.create(user=alice, crime_types=["burglary"])
    case = CaseDates.objects.create(user=alice, happened_on=datetime.date(2026, 1, 1))
    assert "Claiming compensation" not in alice_client.get(f"/timeline/{case.pk}/").content.decode()


def test_a_future_date_is_refused_except_for_court(alice_client: Client, alice: Any) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = _add_dates(alice_client, happened_on=tomorrow)
    assert "Enter a date that is today or earlier" in response.content.decode()
    assert not CaseDates.objects.exists()
    assert _add_dates(alice_client, court_on=tomorrow).status_code == 302


def test_reporting_before_it_happened_is_refused(alice_client: Client) -> None:
    response = _add_dates(alice_client, happened_on="2026-02-20", reported_on="2026-02-19")
    assert "must be the same as or after when it happened" in response.content.decode()


def test_dates_can_be_changed(alice_client: Client, alice: Any) -> None:
    case = CaseDates.objects.create(user=alice, happened_on=datetime.date(2026, 1, 1))
    response = alice_client.post(f"/timeline/{case.pk}/dates/", {"happened_on": "", "court_on": "2026-01-05"})
    assert response["Location"] == f"/timeline/{case.pk}/"
    case.refresh_from_db()
    assert case.happened_on is None
    assert case.court_on == datetime.date(2026, 1, 5)


def test_dates_can_be_deleted(alice_client: Client, alice: Any) -> None:
    case = CaseDates.objects.create(user=alice, happened_on=datetime.date(2026, 1, 1))
    assert "Delete these dates?" in alice_client.get(f"/timeline/{case.pk}/delete/").content.decode()
    response = alice_client.post(f"/timeline/{case.pk}/delete/")
    assert response["Location"] == "/timeline/"
    assert not CaseDates.objects.exists()


@pytest.mark.parametrize("suffix", ["", "dates/", "delete/"])
def test_outsider_gets_404(alice: Any, charlie_client: Client, suffix: str) -> None:
    case = CaseDates.objects.create(user=alice, happened_on=datetime.date(2026, 1, 1))
    assert charlie_client.get(f"/timeline/{case.pk}/{suffix}").status_code == 404
    assert charlie_client.post(f"/timeline/{case.pk}/{suffix}", {"court_on": "2026-01-02"}).status_code == 404
    case.refresh_from_db()
    assert case.court_on is None


def test_signed_out_people_are_sent_to_sign_in(alice: Any) -> None:
    case = CaseDates.objects.create(user=alice, happened_on=datetime.date(2026, 1, 1))
    for path in ["/timeline/", "/timeline/new/", f"/timeline/{case.pk}/"]:
        assert Client().get(path)["Location"].startswith("/account/sign-in/")


def test_your_space_shows_the_next_deadline(alice_client: Client, alice: Any) -> None:
    today = timezone.localdate()
    CaseDates.objects.create(user=alice, court_on=today + datetime.timedelta(days=10))
    page = alice_client.get("/account/").content.decode()
    assert "Coming up" in page
    assert "Getting ready for court" in page


def test_your_space_invites_a_timeline_when_there_is_none(alice_client: Client) -> None:
    page = alice_client.get("/account/").content.decode()
    assert "Start your rights timeline" in page


def test_download_my_data_includes_the_dates_and_reminders(alice_client: Client, alice: Any, charlie: Any) -> None:
    CaseDates.objects.create(user=charlie, happened_on=datetime.date(2025, 1, 1))
    court = timezone.localdate() + datetime.timedelta(days=30)
    _add_dates(alice_client, label="The break-in", court_on=court.isoformat(), reminders="on")

    data = json.loads(alice_client.post("/account/settings/download/").content)["what_happened_and_timeline"]

    assert data["case_dates"] == [
        {
            "name": "The break-in",
            "Your next court date": court.isoformat(),
            "reminders_by_email": True,
            "updated_at": CaseDates.objects.get(user=alice).updated_at.isoformat(),
        }
    ]
    assert {row["about"] for row in data["reminders"]} == {
        "Getting ready for court",
        "Claiming your expenses for going to court",
    }


def test_dates_and_reminders_go_with_the_account(alice_client: Client, alice: Any, charlie: Any) -> None:
    court = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    _add_dates(alice_client, court_on=court, reminders="on")
    CaseDates.objects.create(user=charlie, happened_on=datetime.date(2025, 1, 1))
    assert Reminder.objects.filter(user=alice).count() == 2

    alice_client.post("/account/settings/delete/", {"password": PASSWORD, "code": current_code(alice)})

    assert list(CaseDates.objects.values_list("user", flat=True)) == [charlie.pk]
    assert not Reminder.objects.exists()
