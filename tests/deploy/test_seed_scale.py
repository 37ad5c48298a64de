"""seed_scale fills an empty database at a chosen size; its people sign in with their known codes."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from diary.models import DiaryEntry
from guides.models import GuideProgress
from pages.seed_codes import SEED_PASSWORD, seed_code, seed_email
from referrals.models import SupportRequest, is_caseworker
from tests.accounts.helpers import is_verified, submit_code, submit_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(capsys: pytest.CaptureFixture[str]) -> str:
    call_command("load_content", verbosity=0)
    call_command("seed_scale", users=5, entries=23, progress=7, requests=4, caseworkers=1, batch=3)
    return capsys.readouterr().out


def test_makes_the_size_asked_for(seeded: str) -> None:
    assert "Seeded 5 people, 1 caseworkers, 23 diary entries, 7 guide progress rows and 4 requests" in seeded
    assert User.objects.filter(is_staff=False).count() == 5
    assert DiaryEntry.objects.count() == 23
    assert GuideProgress.objects.count() == 7
    assert SupportRequest.objects.count() == 4
    # Round robin: 23 entries among 5 people.
    assert sorted(DiaryEntry.objects.filter(owner__email=seed_email(n)).count() for n in range(5)) == [4, 4, 5, 5, 5]


def test_diary_text_is_sealed_and_opens_for_its_owner(seeded: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM diary_diaryentry")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and not any("walk" in token or "letter" in token or "Slept" in token for token in stored)
    entry = DiaryEntry.objects.order_by("pk").first()
    assert entry is not None and entry.text.endswith(".")


def test_a_seeded_person_signs_in_with_password_and_their_code(seeded: str) -> None:
    client = Client()
    submit_password(client, seed_email(3), SEED_PASSWORD)
    submit_code(client, seed_code(3))
    assert is_verified(client)
    assert client.get("/diary/").status_code == 200
    # Another person's code does not open this account.
    other = Client()
    submit_password(other, seed_email(2), SEED_PASSWORD)
    submit_code(other, seed_code(4))
    assert not is_verified(other)


def test_a_seeded_caseworker_opens_the_queue(seeded: str) -> None:
    caseworker = User.objects.get(email=seed_email(0, kind="caseworker"))
    assert is_caseworker(caseworker)
    client = Client()
    submit_password(client, caseworker.email, SEED_PASSWORD)
    submit_code(client, seed_code(0, kind="caseworker"))
    assert client.get("/staff/requests/").status_code == 200


def test_refuses_a_database_that_has_accounts(seeded: str) -> None:
    with pytest.raises(CommandError, match="already has accounts"):
        call_command("seed_scale", users=1, entries=0)
