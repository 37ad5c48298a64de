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
