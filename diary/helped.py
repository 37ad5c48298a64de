""" "What helped": the techniques and guides a person saved (guides.SavedItem), linked to their entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.urls import reverse

from guides.models import Guide, SavedItem, Step

if TYPE_CHECKING:
    from accounts.models import User
    from diary.models import DiaryEntry, DiaryEntryQuerySet


@dataclass(frozen=True)
class HelpedItem:
    value: str  # as a form posts it: "guide-<pk>" or "step-<pk>"
    title: str
    kind: str  # "guide" or "technique"
    from_guide: str  # the guide a technique comes from
    url: str

    @property
    def label(self) -> str:
        return f"{self.title} (guide)" if self.kind == "guide" else f"{self.title} (from {self.from_guide})"


def _guide_item(guide: Guide) -> HelpedItem:
    return HelpedItem(f"guide-{guide.pk}", guide.title, "guide", guide.title, guide.get_absolute_url())


def _step_item(step: Step) -> HelpedItem:
    return HelpedItem(
        f"step-{step.pk}", step.title, "technique", step.guide.title, reverse("guides:step-of", kwargs={"pk": step.pk})
    )


def with_links(entries: DiaryEntryQuerySet) -> DiaryEntryQuerySet:
    """Entries with what helped, in two more queries however many entries there are."""
    return entries.prefetch_related(
        Prefetch("helped_guides", queryset=Guide.objects.order_by("title")),
        Prefetch("helped_steps", queryset=Step.objects.select_related("guide").order_by("title")),
    )


def items_of(entry: DiaryEntry) -> list[HelpedItem]:
    return [_guide_item(guide) for guide in entry.helped_guides.all()] + [
        _step_item(step) for step in entry.helped_steps.all()
    ]


def choice_values(entry: DiaryEntry) -> list[str]:
    return [item.value for item in items_of(entry)]


def choices_for(owner: User, entry: DiaryEntry | None = None) -> list[tuple[str, str]]:
    """The person's saved techniques and guides, and whatever the entry already links to."""
    items: dict[str, HelpedItem] = {}
    for saved in SavedItem.objects.for_user(owner):
        item = _step_item(saved.step) if saved.step else _guide_item(saved.guide) if saved.guide else None
        if item is not None:
            items[item.value] = item
    if entry is not None:
        for item in items_of(entry):
            items.setdefault(item.value, item)
    return [(item.value, item.label) for item in items.values()]


def link(entry: DiaryEntry, values: list[str], *, new: bool = False) -> None:
    """Point the entry at exactly these items (values already checked against the form's choices).

    ``new``: the entry was just made and points at nothing yet, so there is nothing to read or remove.
    """
    guide_ids = [int(value.removeprefix("guide-")) for value in values if value.startswith("guide-")]
    step_ids = [int(value.removeprefix("step-")) for value in values if value.startswith("step-")]
    if new:
        if guide_ids:
            entry.helped_guides.add(*guide_ids)
        if step_ids:
            entry.helped_steps.add(*step_ids)
        return
    entry.helped_guides.set(guide_ids)
    entry.helped_steps.set(step_ids)
