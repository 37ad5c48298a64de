"""seed_scale fills an empty database at a chosen size; its people sign in with their known codes."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from diary.models import DiaryEntry
from guides.models import GuideProgress
from pages import seeding
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


def test_seeded_rows_get_the_models_defaults_and_new_accounts_still_get_fresh_ids(seeded: str) -> None:
    entry = DiaryEntry.objects.order_by("pk").first()
    assert entry is not None and entry.version == 1 and entry.created_at is not None and entry.helped_note == ""
    person = User.objects.get(email=seed_email(0))
    assert person.is_active and not person.is_superuser and person.check_password(SEED_PASSWORD)
    assert EmailAddress.objects.get(user=person).verified
    newcomer = User.objects.create_user("newcomer@example.org", "a long enough password")
    assert newcomer.pk > max(User.objects.exclude(pk=newcomer.pk).values_list("pk", flat=True))


def test_encrypted_columns_cannot_be_left_to_a_default() -> None:
    with pytest.raises(ValueError, match="encrypted columns"):
        seeding._Table(DiaryEntry, ["owner_id", "date", "mood", "text"])


def test_on_postgresql_rows_go_in_by_copy_and_the_tables_are_analysed() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL set")
    call_command("load_content", verbosity=0)
    with CaptureQueriesContext(connection) as small:
        seeding.seed_scale(users=2, entries=4, progress=2, requests=1, batch=1)
    DiaryEntry.objects.all().delete()
    User.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        seeding.seed_scale(users=12, entries=40, progress=12, requests=6, batch=1)
    # COPY streams rows outside statements: more rows, not one statement more.
    assert len(large.captured_queries) == len(small.captured_queries)
    with connection.cursor() as cursor:
        # ANALYZE leaves the planner column statistics of the rows just written.
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [DiaryEntry._meta.db_table])
        assert cursor.fetchone()[0] > 0
