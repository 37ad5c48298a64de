"""A person's private diary: entries (encrypted text), their own list of feelings, and writing kept after a sign-out."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from encryption.fields import EncryptedField, EncryptedJSONField, EncryptedTextField
from mysupportspace.addresses import address_with_id
from mysupportspace.compiled import CompiledQuery

if TYPE_CHECKING:
    from accounts.models import User

TEXT_LIMIT = 10_000
HELPED_NOTE_LIMIT = 500
FEELING_LIMIT = 40
FEELINGS_LIST_LIMIT = 20
# Mood 4 and 5: the days "what works for me" looks at.
BETTER_DAY_MOOD = 4

STARTER_FEELINGS = ["Calm", "Hopeful", "Safe", "Anxious", "Scared", "Angry", "Sad", "Lonely", "Tired", "Numb"]


class Mood(models.IntegerChoices):
    VERY_LOW = 1, "Very low"
    LOW = 2, "Low"
    OKAY = 3, "Okay"
    GOOD = 4, "Good"
    VERY_GOOD = 5, "Very good"


# Colour only adds to the words: every mood is always shown by name.
MOOD_TAG_CLASSES = {1: "govuk-tag--red", 2: "govuk-tag--orange", 3: "govuk-tag--grey", 4: "", 5: "govuk-tag--green"}


def mood_label(value: float | int) -> str:
    """The nearest mood word for a value, averages included."""
    return Mood(min(5, max(1, round(value)))).label


# Characters of an entry shown in the list, the ellipsis included.
PREVIEW_LENGTH = 240


class DiaryEntryQuerySet(models.QuerySet["DiaryEntry"]):
    def owned_by(self, user: User) -> DiaryEntryQuerySet:
        return self.filter(owner=user)

    def newest_first(self) -> DiaryEntryQuerySet:
        return self.order_by("-date", "-created_at", "-pk")

    def in_month(self, first_day: datetime.date) -> DiaryEntryQuerySet:
        return self.filter(date__year=first_day.year, date__month=first_day.month)

    def since(self, start: datetime.date | None) -> DiaryEntryQuerySet:
        return self if start is None else self.filter(date__gte=start)

    def months(self) -> list[datetime.date]:
        """The months that have entries, newest first."""
        return list(self.month_counts())

    def month_counts(self) -> dict[datetime.date, int]:
        """How many entries each month has, newest month first, in one query.

        Cut from the ISO date text rather than with ``dates()``, which SQLite runs as a Python
        function on every row: this stays cheap at thousands of entries. The counts add up to
        the number of entries, so a list does not count them all again.
        """
        return _counts_by_month(_per_month(self))

    def month_counts_of(self, owner_id: int) -> dict[datetime.date, int]:
        """``month_counts`` of everything one person wrote, its SQL built once per process (the
        diary list asks on every view, and building the query cost more than running it)."""
        return _counts_by_month(_MONTH_COUNTS.rows(owner_id))


def _per_month(entries: models.QuerySet[DiaryEntry]) -> models.QuerySet[Any]:
    return (
        entries.order_by()
        .annotate(month=Substr(Cast("date", output_field=models.CharField()), 1, 7))
        .values_list("month")
        .annotate(n=models.Count("*"))  # not the id: PostgreSQL then counts from the (owner, date) index alone
    )


def _counts_by_month(rows: Iterable[tuple[str, int]]) -> dict[datetime.date, int]:
    counts = {datetime.date(int(m[:4]), int(m[5:7]), 1): n for m, n in rows}
    return dict(sorted(counts.items(), reverse=True))


_MONTH_COUNTS = CompiledQuery(lambda owner_id: _per_month(DiaryEntry.objects.filter(owner=owner_id)), arguments=1)


class DiaryEntry(models.Model):
    """One entry. Text, feelings and the person's own "what helped" words are sealed with their owner's id."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_entries")
    date = models.DateField()
    mood = models.PositiveSmallIntegerField(choices=Mood.choices)
    feelings = EncryptedJSONField(default=list)
    text = EncryptedTextField(blank=True, default="")
    helped_note = EncryptedTextField(blank=True, default="")
    # Saved techniques and guides that helped (see diary.helped); titles come from the guides, not the person.
    helped_guides = models.ManyToManyField("guides.Guide", blank=True, related_name="+")
    helped_steps = models.ManyToManyField("guides.Step", blank=True, related_name="+")
    # Bumped on every edit, so a form opened before a change cannot silently overwrite it.
    version = models.PositiveIntegerField(default=1)
    # From the "new entry" form, so the same form sent twice makes one entry.
    submission_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DiaryEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "diary entries"
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(mood__gte=1, mood__lte=5), name="diary_mood_1_to_5"),
            models.UniqueConstraint(fields=["owner", "submission_id"], name="diary_one_entry_per_submission"),
        ]
        indexes: ClassVar = [models.Index(fields=["owner", "-date", "-created_at"], name="diary_newest_first")]

    def __str__(self) -> str:
        # Never the text: this shows up in logs and error reports.
        return f"Diary entry {self.pk}"

    def get_absolute_url(self) -> str:
        return address_with_id("diary:entry", self.pk)

    @classmethod
    def sealed_field(cls, name: str) -> EncryptedField:
        """An encrypted field, to open tokens read with ``values_list`` (no model instances)."""
        field = cls._meta.get_field(name)
        assert isinstance(field, EncryptedField)
        return field

    @property
    def mood_label(self) -> str:
        return Mood(self.mood).label

    @property
    def preview(self) -> str:
        """The first PREVIEW_LENGTH characters for the list, an ellipsis ending anything longer (as
        Django's ``truncatechars`` does, without its slower pass over every character)."""
        text = self.text
        return text if len(text) <= PREVIEW_LENGTH else text[: PREVIEW_LENGTH - 1] + "…"

    @property
    def mood_tag_class(self) -> str:
        return MOOD_TAG_CLASSES[self.mood]

    @property
    def helped_own_words(self) -> list[str]:
        return split_helped_note(self.helped_note)


def split_helped_note(note: str) -> list[str]:
    """The person's own "what helped" words, one thing per comma or line."""
    parts = note.replace("\n", ",").split(",")
    return [part.strip() for part in parts if part.strip()]


class FeelingsList(models.Model):
    """The feelings a person can tick on an entry: a starter list they can change."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_feelings")
    words = EncryptedJSONField(default=list)

    def __str__(self) -> str:
        return "Feelings list"


class KeptDraft(models.Model):
    """What a person was writing when their session ended, kept until they sign in again.

    Sealed with a one-off key that only their browser holds (in a cookie), so neither this
    table nor the diary keyring is enough to read it. See diary.drafts.
    """

    id = models.UUIDField(primary_key=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["expires_at"], name="diary_draft_expiry")]

    def __str__(self) -> str:
        return "Kept draft"
