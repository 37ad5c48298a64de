from __future__ import annotations

from typing import Any

from django import forms

from guides.models import RATING_SCALE, ActivityType, Step

ANSWER_MAX_LENGTH = 5000


class ActivityForm(forms.Form):
    """A person's answer to one activity step. Every answer is optional: a person may skip any activity."""

    def __init__(self, step: Step, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        field: forms.Field
        if step.activity_type == ActivityType.CHECKLIST:
            field = forms.MultipleChoiceField(
                label=step.prompt,
                choices=[(option, option) for option in step.options],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text="Tick all that apply.",
                error_messages={"invalid_choice": "Choose from the list."},
            )
        elif step.activity_type == ActivityType.RATING:
            low, high = step.scale_low or "Low", step.scale_high or "High"
            choices = []
            for value in RATING_SCALE:
                label = str(value)
                if value == RATING_SCALE[0]:
                    label = f"{value}: {low}"
                elif value == RATING_SCALE[-1]:
                    label = f"{value}: {high}"
                choices.append((str(value), label))
            field = forms.TypedChoiceField(
                label=step.prompt,
                choices=choices,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                required=False,
                help_text=f"Choose a number from 1 ({low.lower()}) to 5 ({high.lower()}).",
                error_messages={"invalid_choice": "Choose a number from 1 to 5."},
            )
        else:
            field = forms.CharField(
                label=step.prompt,
                widget=forms.Textarea(attrs={"rows": 6}),
                max_length=ANSWER_MAX_LENGTH,
                required=False,
                strip=True,
                error_messages={"max_length": f"Your answer must be {ANSWER_MAX_LENGTH} characters or fewer."},
            )
        self.fields["answer"] = field

    @classmethod
    def initial_for(cls, step: Step, answer: Any) -> dict[str, Any]:
        if answer is None:
            return {}
        if step.activity_type == ActivityType.RATING:
            return {"answer": str(answer)}
        return {"answer": answer}

    def clean_answer(self) -> Any:
        answer = self.cleaned_data["answer"]
        if self.step.activity_type == ActivityType.CHECKLIST:
            # Keep the editor's order, whatever order the browser sent them in.
            return [option for option in self.step.options if option in answer]
        return answer


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search guides and information",
        max_length=100,
        required=False,
        strip=True,
        error_messages={"max_length": "Search for 100 characters or fewer."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "search-%s")  # the id the search box and its error link share
        super().__init__(*args, **kwargs)

    def terms(self) -> list[str]:
        if not self.is_valid():
            return []
        return self.cleaned_data["q"].split()[:8]
