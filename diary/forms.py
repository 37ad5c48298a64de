from __future__ import annotations

import datetime
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from diary.models import (
    FEELING_LIMIT,
    FEELINGS_LIST_LIMIT,
    HELPED_NOTE_LIMIT,
    TEXT_LIMIT,
    DiaryEntry,
    Mood,
)

if TYPE_CHECKING:
    from accounts.models import User

EARLIEST_DATE = datetime.date(1900, 1, 1)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%d.%m.%Y"]


def clean_words(raw: str, *, limit: int, what: str) -> list[str]:
    """Comma- or line-separated words, trimmed, each once (ignoring case), each at most ``limit`` characters."""
    words: list[str] = []
    seen: set[str] = set()
    for part in raw.replace("\n", ",").split(","):
        word = " ".join(part.split())
        if not word:
            continue
        if len(word) > limit:
            raise forms.ValidationError(f"Each {what} must be {limit} characters or fewer")
        if word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    return words


class EntryForm(forms.Form):
    date = forms.DateField(
        label="Date",
        help_text="Today, or an earlier day. For example, 27/03/2026.",
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date of this entry", "invalid": "Enter a real date, like 27/03/2026"},
    )
    mood = forms.TypedChoiceField(
        label="How are you feeling?",
        help_text="Choose the one closest to how you feel.",
        choices=Mood.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you are feeling", "invalid_choice": "Choose how you are feeling"},
    )
    feelings = forms.MultipleChoiceField(
        label="Feelings (optional)",
        help_text="Tick any that fit.",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        error_messages={"invalid_choice": "Choose feelings from the list, or type them under other feelings"},
    )
    other_feelings = forms.CharField(
        label="Other feelings (optional)",
        help_text="Separate them with commas. We will add them to your list of feelings.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Other feelings must be 200 characters or fewer"},
    )
    text = forms.CharField(
        label="What would you like to write? (optional)",
        help_text=f"Up to {TEXT_LIMIT:,} characters. Only you can read this.",
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "true"}),
    )
    helped = forms.MultipleChoiceField(
        label="What helped? (optional)",
        help_text="From the techniques and guides you saved.",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        error_messages={"invalid_choice": "Choose from your saved techniques and guides"},
    )
    helped_note = forms.CharField(
        label="Anything else that helped? (optional)",
        help_text="In your own words. Separate things with commas, for example: a walk, talking to a friend.",
        required=False,
    )
    # The form's place in time: the entry's version it was opened at, or a fresh id for a new entry.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        owner: User,
        feelings_choices: list[str],
        helped_choices: list[tuple[str, str]],
        entry: DiaryEntry | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.entry = entry
        self.today = timezone.localdate()
        self.fields["date"].widget.attrs["max"] = self.today.isoformat()
        if feelings_choices:
            cast(forms.ChoiceField, self.fields["feelings"]).choices = [(word, word) for word in feelings_choices]
        else:
            del self.fields["feelings"]
        if helped_choices:
            cast(forms.ChoiceField, self.fields["helped"]).choices = helped_choices
        else:
            del self.fields["helped"]
        if entry is None:
            del self.fields["version"]
        else:
            del self.fields["submission_id"]

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        if date > self.today:
            raise forms.ValidationError("The date must be today or in the past")
        if date < EARLIEST_DATE:
            raise forms.ValidationError("Enter a real date, like 27/03/2026")
        return date

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        # Browsers send new lines as \r\n; count what the person sees.
        text = text.replace("\r\n", "\n")
        if len(text) > TEXT_LIMIT:
            raise forms.ValidationError(
                f"Your entry must be {TEXT_LIMIT:,} characters or fewer. It is {len(text):,} characters now"
            )
        return text

    def clean_other_feelings(self) -> list[str]:
        return clean_words(self.cleaned_data["other_feelings"], limit=FEELING_LIMIT, what="feeling")

    def clean_helped_note(self) -> str:
        note: str = self.cleaned_data["helped_note"].strip()
        if len(note) > HELPED_NOTE_LIMIT:
            raise forms.ValidationError(f"What else helped must be {HELPED_NOTE_LIMIT} characters or fewer")
        return note

    def clean_submission_id(self) -> uuid.UUID:
        return self.cleaned_data.get("submission_id") or uuid.uuid4()

    def all_feelings(self) -> list[str]:
        """The ticked feelings, then any new ones typed in, each once."""
        chosen = list(self.cleaned_data.get("feelings", []))
        seen = {word.casefold() for word in chosen}
        for word in self.cleaned_data.get("other_feelings", []):
            if word.casefold() not in seen:
                seen.add(word.casefold())
                chosen.append(word)
        return chosen


class FeelingsListForm(forms.Form):
    words = forms.CharField(
        label="Your feelings",
        help_text=f"One feeling on each line, up to {FEELINGS_LIST_LIMIT}. These are the feelings you can tick on an entry.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
    )

    def clean_words(self) -> list[str]:
        words = clean_words(self.cleaned_data["words"], limit=FEELING_LIMIT, what="feeling")
        if len(words) > FEELINGS_LIST_LIMIT:
            raise forms.ValidationError(f"Your list can have up to {FEELINGS_LIST_LIMIT} feelings. It has {len(words)}")
        return words


class FilterForm(forms.Form):
    """The list's filters. Search words only ever arrive in a POST body, never in an address."""

    month = forms.ChoiceField(label="Month", required=False)
    mood = forms.TypedChoiceField(
        label="Mood", required=False, choices=[("", "Any mood"), *Mood.choices], coerce=int, empty_value=None
    )
    words = forms.CharField(
        label="Words in the entry",
        required=False,
        max_length=200,
        error_messages={"max_length": "Search for 200 characters or fewer"},
    )

    def __init__(self, *args: Any, months: list[datetime.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.months = months
        self._months_offered = False
        if self.is_bound:
            # Checked against the months; an unbound form's dropdown is drawn (and kept) by fields_html.
            self.offer_months()
        self.fields["month"].error_messages["invalid_choice"] = "Choose a month from the list"
        self.fields["mood"].error_messages["invalid_choice"] = "Choose a mood from the list"

    def offer_months(self) -> None:
        """The month dropdown's choices: one for each month with an entry (a few dozen for a long diary)."""
        field = cast(forms.ChoiceField, self.fields["month"])
        if not self._months_offered:
            field.choices = _month_choices(tuple(self.months))
            self._months_offered = True

    def clean_month(self) -> datetime.date | None:
        value = self.cleaned_data["month"]
        return datetime.datetime.strptime(value, "%Y-%m").date() if value else None

    def fields_html(self, months: list[datetime.date]) -> SafeString:
        """The three filters as GOV.UK field groups.

        Drawing them was a fifth of the list page (a dropdown option a month), and they depend only on
        the months and the month and mood chosen: those are remembered per process for the last few
        hundred combinations. Never with search words or errors: those are drawn each time and kept nowhere.
        """
        words = self.data.get("words", "") if self.is_bound else ""
        if words or self.errors:
            return _draw_fields(self)
        month, mood = (self.data.get("month", ""), self.data.get("mood", "")) if self.is_bound else ("", "")
        return _kept_fields(tuple(months), self.is_bound, str(month), str(mood))


@lru_cache(maxsize=256)
def _month_choices(months: tuple[datetime.date, ...]) -> list[tuple[str, str]]:
    return [("", "Any month")] + [(f"{month:%Y-%m}", f"{month:%B %Y}") for month in months]


def _draw_fields(form: FilterForm) -> SafeString:
    form.offer_months()
    return mark_safe("".join(form[name].as_field_group() for name in ("month", "mood", "words")))  # noqa: S308 - drawn by the form's templates


@lru_cache(maxsize=256)
def _kept_fields(months: tuple[datetime.date, ...], bound: bool, month: str, mood: str) -> SafeString:
    form = FilterForm({"month": month, "mood": mood} if bound else None, months=list(months))
    if bound:
        form.is_valid()  # drawn as the view's form is: cleaned, without errors (the caller checked)
    return _draw_fields(form)
