"""Reminders before a deadline: off by default, sent by the task worker at their time, neutral in every word."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from situation.models import CaseDates, Reminder
from tests.factories import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)

LONDON = timezone.get_default_timezone()
# Monday 2 March 2026, 10:00 in London.
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def _save(client: Client, **fields: str) -> None:
    response = client.post("/timeline/new/", {"label": "", **fields})
    assert response.status_code == 302, response.content.decode()


def test_no_reminders_unless_the_person_asks(alice_client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        _save(alice_client, court_on="2026-04-20")
    assert not Reminder.objects.exists()
    with time_machine.travel(_at(datetime.date(2026, 5, 30)), tick=False):
        run_tasks()
    assert mail.outbox == []


def test_a_reminder_is_sent_by_the_worker_on_its_day_and_not_before(alice_client: Client, alice: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        _save(alice_client, court_on="2026-04-20", reminders="on")
    court = Reminder.objects.get(rule="court-preparation")
    assert court.send_at == _at(datetime.date(2026, 4, 13), hour=9)  # a week before, in the morning

    with time_machine.travel(_at(datetime.date(2026, 4, 13), hour=8), tick=False):  # the hour before
        run_tasks()
    assert mail.outbox == []

    with time_machine.travel(_at(datetime.date(2026, 4, 13), hour=9), tick=False):
        run_tasks()
    assert len(mail.outbox) == 1
    court.refresh_from_db()
    assert court.sent_at is not None

    with time_machine.travel(_at(datetime.date(2026, 4, 14)), tick=False):
        run_tasks()  # sent once only
    assert len(mail.outbox) == 1


def test_the_email_says_nothing_about_the_deadline(alice_client: Client, alice: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        _save(alice_client, court_on="2026-03-05", reminders="on")  # under a week away: sent at once
        run_tasks()
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "You have an update in your account"
    html = message.alternatives[0][0]
    for words in [str(message.body), str(html)]:
        for revealing in ["court", "Court", "crime", "victim", "compensation", "witness", "2026"]:
            assert revealing not in words


def test_changing_the_dates_replaces_the_planned_reminders(alice_client: Client, alice: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        _save(alice_client, court_on="2026-04-20", reminders="on")
        case = CaseDates.objects.get()
        alice_client.post(f"/timeline/{case.pk}/dates/", {"court_on": "2026-06-22", "reminders": "on"})
    assert set(Reminder.objects.values_list("deadline", flat=True)) == {
        datetime.date(2026, 6, 22),
        datetime.date(2026, 7, 22),
    }
    with time_machine.travel(_at(datetime.date(2026, 4, 13)), tick=False):
        run_tasks()  # the old date's task finds nothing to send
    assert mail.outbox == []
    with time_machine.travel(_at(datetime.date(2026, 6, 15)), tick=False):
        run_tasks()
    assert len(mail.outbox) == 1


def test_turning_reminders_off_stops_them(alice_client: Client, alice: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        _save(alice_client, court_on="2026-04-20", reminders="on")
        case = CaseDates.objects.get()
        alice_client.post(f"/timeline/{case.pk}/dates/", {"court_on": "2026-04-20"})
    assert not Reminder.objects.exists()
    with time_machine.travel(_at(datetime.date(2026, 5, 30)), tick=False):
        run_tasks()
    assert mail.outbox == []


def test_deleting_the_dates_stops_the_reminders(alice_client: Client, alice: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        _save(alice_client, happened_on="2026-02-01", reminders="on")  # compensation, with what happened unknown
        alice_client.post(f"/timeline/{CaseDates.objects.get().pk}/delete/")
    with time_machine.travel(_at(datetime.date(2028, 1, 5)), tick=False):
        run_tasks()
    assert mail.outbox == []


def test_a_deadline_already_passed_gets_no_reminder(alice_client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        _save(alice_client, court_on="2026-01-05", reminders="on")  # the expenses month ended on 5 February
    assert not Reminder.objects.exists()
