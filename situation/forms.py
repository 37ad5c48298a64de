from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from situation.models import RATHER_NOT_SAY, CaseDates, CrimeType, Reported

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%d.%m.%Y"]
EARLIEST_DATE = datetime.date(1900, 1, 1)
# Court dates may be ahead; anything else has already happened.
FUTURE_ALLOWED = {"court_on"}
LATEST_COURT_DATE_YEARS = 5


class ExclusiveLastCheckbox(forms.CheckboxSelectMultiple):
    """Ticking the "rather not say" box clears the others (GOV.UK Frontend's exclusive checkbox)."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if value == RATHER_NOT_SAY:
            option["attrs"]["data-behaviour"] = "exclusive"
        return option


class WhatHappenedForm(forms.Form):
    crime_types = forms.MultipleChoiceField(
        label="What happened?",
        help_text="Tick all that apply. This is optional.",
        choices=[*CrimeType.choices, (RATHER_NOT_SAY, "I would rather not say")],
        widget=ExclusiveLastCheckbox,
        required=False,
        error_messages={"invalid_choice": "Choose from the list"},
    )
    reported = forms.ChoiceField(
        label="Has it been reported to the police?",
        help_text="This is optional. You can use everything here whether or not it has been reported.",
        choices=Reported.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose from the list"},
    )

    def clean_crime_types(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["crime_types"]
        if RATHER_NOT_SAY in chosen and len(chosen) > 1:
            raise forms.ValidationError("Choose what happened, or that you would rather not say, but not both")
        return chosen


class CaseDatesForm(forms.ModelForm):
    class Meta:
        model = CaseDates
        fields = ["label", *CaseDates.DATE_FIELDS, "reminders"]
        labels = {"reminders": "Email me a reminder before a deadline that is mine to meet"}
        help_texts = {
            "happened_on": "If it happened over a long time, give the date it started.",
            "court_on": "A hearing or trial where you are going, or may go, to court.",
            "reminders": (
                "The email will only say “You have an update in your account”. It will never say what it is about."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CaseDates.DATE_FIELDS:
            field = self.fields[name]
            field.widget = forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"}, format="%Y-%m-%d")
            assert isinstance(field, forms.DateField)
            field.input_formats = DATE_FORMATS
            field.error_messages["invalid"] = "Enter a real date, like 27/03/2026"
            field.help_text = field.help_text or "Optional. For example, 27/03/2026."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        for name in CaseDates.DATE_FIELDS:
            value = cleaned.get(name)
            if value is None:
                continue
            if value < EARLIEST_DATE:
                self.add_error(name, "Enter a date after 1900")
            elif name not in FUTURE_ALLOWED and value > today:
                self.add_error(name, "Enter a date that is today or earlier")
            elif value.year > today.year + LATEST_COURT_DATE_YEARS:
                self.add_error(name, "Enter a date in the next few years")
        happened, reported = cleaned.get("happened_on"), cleaned.get("reported_on")
        if happened and reported and reported < happened and "reported_on" not in self.errors:
            self.add_error("reported_on", "The date you reported it must be the same as or after when it happened")
        return cleaned
