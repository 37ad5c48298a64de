""" "What works for me": which techniques, guides and own words a person marked as helping, on better days."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from diary.models import BETTER_DAY_MOOD, DiaryEntry, DiaryEntryQuerySet, split_helped_note


@dataclass(frozen=True)
class Worked:
    title: str
    kind: str
    url: str | None
    better_days: int
    all_days: int


@dataclass(frozen=True)
class WhatWorks:
    items: list[Worked]
    entries: int
    better_days: int


def what_works(entries: DiaryEntryQuerySet) -> WhatWorks:
    """For entries already scoped to one person: three queries, however many entries."""
    better = Q(diaryentry__mood__gte=BETTER_DAY_MOOD)
    counts = {
        "all_days": Count("diaryentry__date", distinct=True),
        "better_days": Count("diaryentry__date", distinct=True, filter=better),
    }
    guides: Any = (
        DiaryEntry.helped_guides.through.objects.filter(diaryentry__in=entries)
        .values("guide_id", "guide__title", "guide__slug")
        .annotate(**counts)
    )
    steps: Any = (
        DiaryEntry.helped_steps.through.objects.filter(diaryentry__in=entries)
        .values("step_id", "step__title", "step__guide__title")
        .annotate(**counts)
    )
    items = [
        Worked(
            title=row["guide__title"],
            kind="Guide",
            url=reverse("guides:guide", kwargs={"slug": row["guide__slug"]}),
            better_days=row["better_days"],
            all_days=row["all_days"],
        )
        for row in guides
    ] + [
        Worked(
            title=row["step__title"],
            kind=f"Technique from {row['step__guide__title']}",
            url=reverse("guides:step-of", kwargs={"pk": row["step_id"]}),
            better_days=row["better_days"],
            all_days=row["all_days"],
        )
        for row in steps
    ]

    # The person's own words are sealed: open them here, for this person only.
    note_field = DiaryEntry.sealed_field("helped_note")
    own: dict[str, tuple[str, set[datetime.date], set[datetime.date]]] = {}
    entry_count = 0
    better_dates: set[datetime.date] = set()
    for owner_id, date, mood, token in entries.values_list("owner_id", "date", "mood", "helped_note"):
        entry_count += 1
        if mood >= BETTER_DAY_MOOD:
            better_dates.add(date)
        for words in split_helped_note(note_field.open_for(owner_id, token)):
            _, all_dates, good_dates = own.setdefault(words.casefold(), (words, set(), set()))
            all_dates.add(date)
            if mood >= BETTER_DAY_MOOD:
                good_dates.add(date)
    items += [
        Worked(title=title, kind="In your own words", url=None, better_days=len(good), all_days=len(all_dates))
        for title, all_dates, good in own.values()
    ]
    items.sort(key=lambda item: (-item.better_days, -item.all_days, item.title.casefold()))
    return WhatWorks(items=items, entries=entry_count, better_days=len(better_dates))
