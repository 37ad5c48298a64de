"""Small builders for diary tests: entries written through the real form, or straight through the service."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.test import Client
from django.utils import timezone

from diary import services
from diary.models import DiaryEntry


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "date": timezone.localdate().isoformat(),
        "mood": "3",
        "feelings": [],
        "other_feelings": "",
        "text": "A quiet day.",
        "helped_note": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def write(client: Client, **overrides: Any) -> Any:
    """Post the new-entry form, as a browser would."""
    return client.post("/diary/new/", form_data(**overrides))


def make_entry(
    owner: Any, *, date: datetime.date | None = None, mood: int = 3, text: str = "", **values: Any
) -> DiaryEntry:
    return services.write_entry(
        owner=owner,
        submission_id=uuid.uuid4(),
        values={"date": date or timezone.localdate(), "mood": mood, "text": text, **values},
        new_feelings=[],
    )


def make_many(owner: Any, count: int, *, helped_guide: Any = None, helped_step: Any = None) -> list[DiaryEntry]:
    """``count`` entries, one a day back from today, moods going round 1 to 5 (sealed as usual by bulk_create)."""
    today = timezone.localdate()
    entries = DiaryEntry.objects.bulk_create(
        DiaryEntry(
            owner=owner,
            date=today - datetime.timedelta(days=n),
            mood=n % 5 + 1,
            feelings=["Calm"] if n % 2 else ["Tired"],
            text=f"Entry number {n}. " + "Some ordinary words about the day. " * 8,
            helped_note="a walk" if n % 3 == 0 else "",
        )
        for n in range(count)
    )
    if helped_guide is not None:
        DiaryEntry.helped_guides.through.objects.bulk_create(
            DiaryEntry.helped_guides.through(diaryentry_id=entry.pk, guide_id=helped_guide.pk) for entry in entries
        )
    if helped_step is not None:
        DiaryEntry.helped_steps.through.objects.bulk_create(
            DiaryEntry.helped_steps.through(diaryentry_id=entry.pk, step_id=helped_step.pk) for entry in entries[::2]
        )
    return entries
