"""Writes to the diary, and what the rest of the service asks of it (export for "download my data")."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from diary import helped
from diary.models import FEELINGS_LIST_LIMIT, STARTER_FEELINGS, DiaryEntry, FeelingsList

if TYPE_CHECKING:
    from accounts.models import User


class StaleEntry(Exception):
    """The entry changed after the form was opened: saving would overwrite that change."""

    def __init__(self, current: DiaryEntry) -> None:
        super().__init__("The entry changed after the form was opened.")
        self.current = current


def feelings_of(owner: User) -> list[str]:
    row = FeelingsList.objects.filter(owner=owner).first()
    return list(row.words) if row is not None else list(STARTER_FEELINGS)


@sensitive_variables()
@transaction.atomic
def set_feelings(*, owner: User, words: list[str]) -> FeelingsList:
    row, created = FeelingsList.objects.select_for_update().get_or_create(owner=owner, defaults={"words": words})
    if not created:
        row.words = words
        row.save(update_fields=["words"])
    return row


@sensitive_variables()
def _add_to_feelings(*, owner: User, words: list[str]) -> None:
    """New feelings typed on an entry join the person's list, while there is room."""
    if not words:
        return
    current = feelings_of(owner)
    known = {word.casefold() for word in current}
    added = [word for word in words if word.casefold() not in known]
    room = max(0, FEELINGS_LIST_LIMIT - len(current))
    if added and room:
        set_feelings(owner=owner, words=current + added[:room])


@sensitive_variables()
@transaction.atomic
def write_entry(
    *, owner: User, submission_id: uuid.UUID, values: dict[str, Any], new_feelings: list[str]
) -> DiaryEntry:
    """Save a new entry. The same form sent again returns the entry it made the first time.

    No look-up first: the unique (owner, submission) constraint refuses the second copy, and the
    first is returned instead, so a new entry costs no extra query.
    """
    entry = DiaryEntry(owner=owner, submission_id=submission_id)
    _apply(entry, values)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return DiaryEntry.objects.get(owner=owner, submission_id=submission_id)
    helped.link(entry, values.get("helped", []), new=True)
    _add_to_feelings(owner=owner, words=new_feelings)
    return entry


@sensitive_variables()
@transaction.atomic
def update_entry(
    *, entry: DiaryEntry, version: int | None, values: dict[str, Any], new_feelings: list[str]
) -> DiaryEntry:
    """Save changes to an entry opened at ``version``.

    Raises StaleEntry if it has changed since, unless what was sent is exactly what is saved
    now (the same form sent twice), which is no conflict.
    """
    current = DiaryEntry.objects.select_for_update().get(pk=entry.pk, owner_id=entry.owner_id)
    if version != current.version:
        if _same(current, values):
            return current
        raise StaleEntry(current)
    _apply(current, values)
    current.version += 1
    current.updated_at = timezone.now()
    current.save(update_fields=["date", "mood", "feelings", "text", "helped_note", "version", "updated_at"])
    helped.link(current, values.get("helped", []))
    _add_to_feelings(owner=current.owner, words=new_feelings)
    return current


@transaction.atomic
def delete_entry(*, entry: DiaryEntry) -> None:
    DiaryEntry.objects.filter(pk=entry.pk, owner_id=entry.owner_id).delete()


def _apply(entry: DiaryEntry, values: dict[str, Any]) -> None:
    entry.date = values["date"]
    entry.mood = values["mood"]
    entry.feelings = list(values.get("feelings", []))
    entry.text = values.get("text", "")
    entry.helped_note = values.get("helped_note", "")


def _same(entry: DiaryEntry, values: dict[str, Any]) -> bool:
    return (
        entry.date == values["date"]
        and entry.mood == values["mood"]
        and list(entry.feelings) == list(values.get("feelings", []))
        and entry.text == values.get("text", "")
        and entry.helped_note == values.get("helped_note", "")
        and set(helped.choice_values(entry)) == set(values.get("helped", []))
    )


@sensitive_variables()
def export_for(user: User) -> dict[str, Any]:
    """The person's whole diary, for "download my data"."""
    entries = helped.with_links(DiaryEntry.objects.owned_by(user).order_by("date", "created_at", "pk"))
    return {
        "feelings_list": feelings_of(user),
        "entries": [
            {
                "date": entry.date.isoformat(),
                "mood": entry.mood,
                "mood_words": entry.mood_label,
                "feelings": list(entry.feelings),
                "text": entry.text,
                "what_helped": [item.title for item in helped.items_of(entry)],
                "what_else_helped": entry.helped_note,
                "written": entry.created_at.isoformat(),
                "changed": entry.updated_at.isoformat(),
            }
            for entry in entries
        ],
    }
