"""Writing, reading, changing and deleting entries through the real pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from diary.models import TEXT_LIMIT, DiaryEntry, FeelingsList
from tests.diary.helpers import form_data, make_entry, write

pytestmark = pytest.mark.django_db


def test_the_new_entry_form_starts_at_today(alice_client: Client) -> None:
    response = alice_client.get("/diary/new/")
    assert response.status_code == 200
    assert f'value="{timezone.localdate().isoformat()}"' in response.content.decode()
    assert "Very low" in response.content.decode() and "Very good" in response.content.decode()


def test_it_saves_an_entry_and_shows_it(alice: Any, alice_client: Client) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = write(
        alice_client,
        date=yesterday.isoformat(),
        mood="4",
        feelings=["Calm", "Hopeful"],
        other_feelings="Proud, relieved",
        text="I went for a walk by the river.\nIt helped.",
        helped_note="a walk, my sister",
    )
    entry = DiaryEntry.objects.get(owner=alice)
    assert response.status_code == 302 and response["Location"] == f"/diary/{entry.pk}/"
    assert (entry.date, entry.mood) == (yesterday, 4)
    assert entry.feelings == ["Calm", "Hopeful", "Proud", "relieved"]
    assert entry.text == "I went for a walk by the river.\nIt helped."
    assert entry.helped_note == "a walk, my sister"

    page = alice_client.get(response["Location"]).content.decode()
    assert "I went for a walk by the river." in page
    assert "Good" in page and "Calm, Hopeful, Proud, relieved" in page
    assert "a walk" in page and "my sister" in page


def test_new_feelings_join_the_persons_list(alice: Any, alice_client: Client) -> None:
    write(alice_client, other_feelings="Proud")
    words = FeelingsList.objects.get(owner=alice).words
    assert words[-1] == "Proud" and "Calm" in words
    assert 'value="Proud"' in alice_client.get("/diary/new/").content.decode()


def test_the_feelings_list_can_be_changed(alice: Any, alice_client: Client) -> None:
    response = alice_client.post("/diary/feelings/", {"words": "Brave\nTired\n\nbrave\nShaky"})
    assert response.status_code == 302
    assert FeelingsList.objects.get(owner=alice).words == ["Brave", "Tired", "Shaky"]
    page = alice_client.get("/diary/new/").content.decode()
    assert 'value="Shaky"' in page and 'value="Calm"' not in page


def test_the_feelings_list_has_a_limit(alice_client: Client) -> None:
    response = alice_client.post("/diary/feelings/", {"words": "\n".join(f"Feeling {n}" for n in range(21))})
    assert response.status_code == 200
    assert "Your list can have up to 20 feelings. It has 21" in response.content.decode()


# --- Bad input: a clear message, nothing saved ---


def test_an_empty_entry_is_refused_with_a_clear_message(alice: Any, alice_client: Client) -> None:
    response = alice_client.post("/diary/new/", {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose how you are feeling" in page
    assert "Enter the date of this entry" in page
    assert not DiaryEntry.objects.exists()


def test_a_future_date_is_refused(alice_client: Client) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = write(alice_client, date=tomorrow.isoformat())
    assert response.status_code == 200
    assert "The date must be today or in the past" in response.content.decode()
    assert not DiaryEntry.objects.exists()


@pytest.mark.parametrize("date", ["31/02/2026", "yesterday", "0001-01-01"])
def test_a_date_that_is_not_real_is_refused(alice_client: Client, date: str) -> None:
    response = write(alice_client, date=date)
    assert "Enter a real date, like 27/03/2026" in response.content.decode()
    assert not DiaryEntry.objects.exists()


def test_a_date_can_be_typed_the_british_way(alice: Any, alice_client: Client) -> None:
    write(alice_client, date="03/02/2025")
    assert DiaryEntry.objects.get(owner=alice).date == datetime.date(2025, 2, 3)


@pytest.mark.parametrize("mood", ["0", "6", "happy", ""])
def test_an_invalid_mood_is_refused(alice_client: Client, mood: str) -> None:
    response = write(alice_client, mood=mood)
    assert "Choose how you are feeling" in response.content.decode()
    assert not DiaryEntry.objects.exists()


def test_text_over_the_stated_limit_is_refused(alice_client: Client) -> None:
    response = write(alice_client, text="x" * (TEXT_LIMIT + 1))
    page = response.content.decode()
    assert "Up to 10,000 characters" in alice_client.get("/diary/new/").content.decode()
    assert "Your entry must be 10,000 characters or fewer. It is 10,001 characters now" in page
    assert not DiaryEntry.objects.exists()


def test_text_at_the_limit_is_saved(alice: Any, alice_client: Client) -> None:
    write(alice_client, text="x" * TEXT_LIMIT)
    assert len(DiaryEntry.objects.get(owner=alice).text) == TEXT_LIMIT


def test_a_feeling_that_is_not_on_the_list_is_refused(alice_client: Client) -> None:
    response = write(alice_client, feelings=["Not on the list"])
    assert "Choose feelings from the list" in response.content.decode()
    assert not DiaryEntry.objects.exists()


def test_the_same_new_entry_form_sent_twice_makes_one_entry(alice: Any, alice_client: Client) -> None:
    data = form_data(submission_id="8a0c1c4e-6a39-4a35-9a1b-2b7cfb1f0a11")
    first = alice_client.post("/diary/new/", data)
    second = alice_client.post("/diary/new/", data)
    assert DiaryEntry.objects.filter(owner=alice).count() == 1
    assert first["Location"] == second["Location"]


# --- Changing an entry ---


def test_it_changes_an_entry(alice: Any, alice_client: Client) -> None:
    entry = make_entry(alice, mood=2, text="Before")
    form = alice_client.get(f"/diary/{entry.pk}/edit/").content.decode()
    assert "Before" in form and 'value="1" id="id_version"' in form
    response = alice_client.post(f"/diary/{entry.pk}/edit/", form_data(mood="5", text="After", version="1"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.mood, entry.text, entry.version) == (5, "After", 2)


def test_a_stale_edit_form_sent_twice_is_saved_once_and_calmly(alice: Any, alice_client: Client) -> None:
    entry = make_entry(alice, text="Before")
    data = form_data(text="After", version="1")
    assert alice_client.post(f"/diary/{entry.pk}/edit/", data).status_code == 302
    again = alice_client.post(f"/diary/{entry.pk}/edit/", data)
    assert again.status_code == 302
    entry.refresh_from_db()
    assert (entry.text, entry.version) == ("After", 2)


def test_a_stale_edit_form_does_not_overwrite_a_newer_change(alice: Any, alice_client: Client) -> None:
    entry = make_entry(alice, text="First")
    alice_client.post(f"/diary/{entry.pk}/edit/", form_data(text="Second, from another tab", version="1"))
    response = alice_client.post(f"/diary/{entry.pk}/edit/", form_data(text="Third, from an old tab", version="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This entry was changed after you opened this page" in page
    assert "Third, from an old tab" in page and 'value="2" id="id_version"' in page
    entry.refresh_from_db()
    assert entry.text == "Second, from another tab"
    # Saving again from that page is a deliberate choice, and goes through.
    assert (
        alice_client.post(f"/diary/{entry.pk}/edit/", form_data(text="Third, from an old tab", version="2")).status_code
        == 302
    )
    entry.refresh_from_db()
    assert entry.text == "Third, from an old tab"


def test_bad_input_on_edit_changes_nothing(alice: Any, alice_client: Client) -> None:
    entry = make_entry(alice, mood=2, text="Kept")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = alice_client.post(
        f"/diary/{entry.pk}/edit/", form_data(date=tomorrow.isoformat(), text="New", version="1")
    )
    assert "The date must be today or in the past" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.text, entry.version) == ("Kept", 1)


# --- Deleting an entry ---


def test_delete_asks_once_then_the_entry_is_gone(alice: Any, alice_client: Client) -> None:
    entry = make_entry(alice, text="Going")
    confirm = alice_client.get(f"/diary/{entry.pk}/delete/")
    assert "Are you sure you want to delete your entry" in confirm.content.decode()
    assert DiaryEntry.objects.filter(pk=entry.pk).exists()
    response = alice_client.post(f"/diary/{entry.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/diary/"
    assert not DiaryEntry.objects.filter(pk=entry.pk).exists()
    assert "Your diary entry is deleted." in alice_client.get("/diary/").content.decode()


@pytest.mark.parametrize("suffix", ["", "edit/", "delete/"])
def test_a_deleted_entrys_address_gets_a_calm_404(alice: Any, alice_client: Client, suffix: str) -> None:
    entry = make_entry(alice)
    alice_client.post(f"/diary/{entry.pk}/delete/")
    response = alice_client.get(f"/diary/{entry.pk}/{suffix}")
    assert response.status_code == 404
    assert "This entry is not in your diary" in response.content.decode()
    assert "It may have been deleted" in response.content.decode()


def test_deleting_twice_gets_a_calm_404(alice: Any, alice_client: Client) -> None:
    entry = make_entry(alice)
    alice_client.post(f"/diary/{entry.pk}/delete/")
    response = alice_client.post(f"/diary/{entry.pk}/delete/")
    assert response.status_code == 404
    assert "This entry is not in your diary" in response.content.decode()


def test_editing_a_deleted_entry_keeps_nothing_half_saved(alice: Any, alice_client: Client) -> None:
    entry = make_entry(alice)
    alice_client.post(f"/diary/{entry.pk}/delete/")
    response = alice_client.post(f"/diary/{entry.pk}/edit/", form_data(text="Late", version="1"))
    assert response.status_code == 404
    assert not DiaryEntry.objects.exists()


def test_an_empty_feelings_list_leaves_out_the_ticks(alice_client: Client) -> None:
    alice_client.post("/diary/feelings/", {"words": ""})
    page = alice_client.get("/diary/new/").content.decode()
    assert "Tick any that fit" not in page and "Other feelings (optional)" in page
    assert write(alice_client, other_feelings="Brave").status_code == 302


def test_other_feelings_have_a_limit(alice_client: Client) -> None:
    response = write(alice_client, other_feelings="x" * 201)
    assert "Other feelings must be 200 characters or fewer" in response.content.decode()
    assert not DiaryEntry.objects.exists()
