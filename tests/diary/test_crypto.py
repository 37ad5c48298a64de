"""Encryption at rest: the token format, the keyring, the owner binding, and rotation."""

from __future__ import annotations

import base64
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from diary.models import DiaryEntry, FeelingsList
from encryption import crypto
from encryption.crypto import DecryptionError
from tests.diary.conftest import NEW_KEY, OLD_KEY
from tests.diary.helpers import make_entry


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _set_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


# --- The token ---


def test_a_token_names_its_version_and_key_and_opens_with_the_same_associated_data() -> None:
    ring = crypto.parse_keyring(OLD_KEY)
    token = ring.seal(b"hello", aad=b"owner 1")
    version, key_id, body = token.split(":", 2)
    assert (version, key_id) == ("v1", "old")
    assert len(base64.urlsafe_b64decode(body + "==")) == 12 + len(b"hello") + 16  # nonce, ciphertext, tag
    assert ring.open(token, aad=b"owner 1") == b"hello"


def test_every_seal_uses_a_fresh_nonce() -> None:
    ring = crypto.parse_keyring(OLD_KEY)
    assert ring.seal(b"same", aad=b"a") != ring.seal(b"same", aad=b"a")


def test_other_associated_data_does_not_open() -> None:
    ring = crypto.parse_keyring(OLD_KEY)
    with pytest.raises(DecryptionError):
        ring.open(ring.seal(b"hello", aad=b"owner 1"), aad=b"owner 2")


@pytest.mark.parametrize("damage", ["flip", "truncate", "version", "key", "garbage"])
def test_a_damaged_token_raises_and_shows_nothing(damage: str) -> None:
    ring = crypto.parse_keyring(f"{NEW_KEY},{OLD_KEY}")
    token = ring.seal(b"secret words", aad=b"a")
    damaged = {
        "flip": token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1],
        "truncate": token[:20],
        "version": "v9" + token[2:],
        "key": token.replace(":new:", ":gone:"),
        "garbage": "not a token",
    }[damage]
    with pytest.raises(DecryptionError) as raised:
        ring.open(damaged, aad=b"a")
    assert "secret" not in str(raised.value) and damaged not in str(raised.value)


# --- The keyring ---


def test_the_first_key_encrypts_and_every_key_decrypts() -> None:
    old = crypto.parse_keyring(OLD_KEY)
    both = crypto.parse_keyring(f"{NEW_KEY},{OLD_KEY}")
    assert both.current_id == "new"
    assert both.open(old.seal(b"x", aad=b""), aad=b"") == b"x"
    assert crypto.key_id_of(both.seal(b"x", aad=b"")) == "new"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("justakey", "must look like id:base64key"),
        ("a:" + base64.b64encode(b"short").decode(), "must be 32 bytes"),
        ("a:!!!", "not valid base64"),
        (f"{OLD_KEY},{OLD_KEY}", "names key 'old' twice"),
        ("bad id:" + base64.b64encode(bytes(32)).decode(), "must look like id:base64key"),
    ],
)
def test_a_malformed_keyring_stops_with_a_clear_message_that_names_no_key(value: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message) as raised:
        crypto.parse_keyring(value)
    assert value.partition(":")[2] not in str(raised.value) or not value.partition(":")[2]


def test_without_a_keyring_the_diary_refuses_loudly(settings: Any) -> None:
    settings.DIARY_KEYRING = ""
    with pytest.raises(ImproperlyConfigured, match="DIARY_KEYRING is not set"):
        crypto.keyring()


def test_the_deployment_check_fails_without_a_keyring(settings: Any) -> None:
    from encryption import checks

    settings.DIARY_KEYRING = ""
    assert [error.id for error in checks.keyring_is_set_for_deployment()] == ["encryption.E001"]
    settings.DIARY_KEYRING = OLD_KEY
    assert checks.keyring_is_set_for_deployment() == []


def test_keys_are_not_derived_from_the_secret_key(settings: Any) -> None:
    token = crypto.keyring().seal(b"x", aad=b"")
    settings.SECRET_KEY = "a completely different secret key for this test only 0123456789"
    assert crypto.keyring().open(token, aad=b"") == b"x"


def test_a_new_key_entry_is_a_valid_keyring() -> None:
    entry = crypto.new_key_entry()
    assert crypto.parse_keyring(entry).current_id == entry.partition(":")[0]


# --- The model fields ---


@pytest.mark.django_db
def test_the_database_holds_only_tokens_bound_to_the_owner(alice: Any, charlie: Any) -> None:
    entry = make_entry(alice, text="Only for alice", helped_note="tea", feelings=["Calm"])
    for column in ("text", "helped_note", "feelings"):
        assert _raw("diary_diaryentry", column, entry.pk).startswith("v1:old:")
    theirs = make_entry(charlie, text="Charlie's own")
    # Alice's token copied into charlie's row does not open there.
    _set_raw("diary_diaryentry", "text", theirs.pk, _raw("diary_diaryentry", "text", entry.pk))
    with pytest.raises(DecryptionError):
        _ = DiaryEntry.objects.get(pk=theirs.pk).text
    # Nor does a token moved to another column of the same row.
    _set_raw("diary_diaryentry", "helped_note", entry.pk, _raw("diary_diaryentry", "text", entry.pk))
    with pytest.raises(DecryptionError):
        _ = DiaryEntry.objects.get(pk=entry.pk).helped_note
    assert DiaryEntry.objects.get(pk=entry.pk).text == "Only for alice"


@pytest.mark.django_db
def test_a_sealer_seals_many_rows_each_bound_to_its_owner_and_column() -> None:
    text, note = DiaryEntry.sealed_field("text"), DiaryEntry.sealed_field("helped_note")
    seal = text.sealer()
    first, second = seal(7, "same words"), seal(7, "same words")
    assert first != second and "same words" not in first
    assert text.open_for(7, first) == text.open_for(7, second) == "same words"
    with pytest.raises(DecryptionError):
        text.open_for(8, first)
    with pytest.raises(DecryptionError):
        note.open_for(7, first)
    with pytest.raises(ValueError, match="without an owner"):
        seal(None, "words")


def test_plaintext_cannot_reach_a_query(alice: Any) -> None:
    make_entry(alice, text="hello")
    with pytest.raises(TypeError, match="is encrypted"):
        list(DiaryEntry.objects.filter(text="hello"))
    with pytest.raises(TypeError, match="is encrypted"):
        DiaryEntry.objects.update(text="overwritten in the clear")


@pytest.mark.django_db
def test_a_value_is_opened_only_when_read(alice: Any, settings: Any) -> None:
    entry = make_entry(alice, text="hello")
    settings.DIARY_KEYRING = NEW_KEY  # the old key is gone: only reading the text needs it
    loaded = DiaryEntry.objects.get(pk=entry.pk)
    assert loaded.mood == 3
    with pytest.raises(DecryptionError):
        _ = loaded.text


@pytest.mark.django_db
def test_serialisers_get_tokens_not_text(alice: Any) -> None:
    from django.core import serializers

    make_entry(alice, text="Not for a fixture file")
    dumped = serializers.serialize("json", DiaryEntry.objects.all())
    assert "Not for a fixture file" not in dumped and "v1:old:" in dumped


# --- Rotation ---


@pytest.mark.django_db
def test_rotation_re_encrypts_everything_under_the_newest_key(alice: Any, charlie: Any, settings: Any) -> None:
    entries = [make_entry(alice, text=f"Entry {n}", feelings=["Calm"], helped_note="tea") for n in range(3)]
    entries.append(make_entry(charlie, text="Charlie's"))
    FeelingsList.objects.create(owner=alice, words=["Brave"])

    settings.DIARY_KEYRING = f"{NEW_KEY},{OLD_KEY}"
    out = StringIO()
    call_command("rotate_diary_keys", stdout=out)
    assert "diary entries: 4 re-encrypted under key new" in out.getvalue()
    assert "feelings lists: 1 re-encrypted" in out.getvalue()

    settings.DIARY_KEYRING = NEW_KEY  # the old key can now be dropped
    for entry in entries:
        for column in ("text", "feelings", "helped_note"):
            assert _raw("diary_diaryentry", column, entry.pk).startswith("v1:new:")
    assert [DiaryEntry.objects.get(pk=entry.pk).text for entry in entries] == [
        "Entry 0",
        "Entry 1",
        "Entry 2",
        "Charlie's",
    ]
    assert FeelingsList.objects.get(owner=alice).words == ["Brave"]

    settings.DIARY_KEYRING = f"{NEW_KEY},{OLD_KEY}"
    out = StringIO()
    call_command("rotate_diary_keys", stdout=out)
    assert "diary entries: 0 re-encrypted" in out.getvalue()


@pytest.mark.django_db
def test_rotation_refuses_without_the_old_key(alice: Any, settings: Any) -> None:
    make_entry(alice, text="hello")
    settings.DIARY_KEYRING = NEW_KEY
    with pytest.raises(DecryptionError):
        call_command("rotate_diary_keys", stdout=StringIO())


def test_diary_new_key_prints_a_usable_key() -> None:
    out = StringIO()
    call_command("diary_new_key", stdout=out)
    assert crypto.parse_keyring(out.getvalue().strip())
