from __future__ import annotations

from typing import Any, cast

from django import forms

from chat.models import MAX_MESSAGE_LENGTH, CannedResponse, Feedback, Referral, WrapUpOutcome
from referrals.forms import SafeContactForm
from referrals.models import Organisation


class SafeToChat:
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"
    CHOICES = [(YES, "Yes"), (NO, "No"), (UNSURE, "I am not sure")]


class StartChatForm(forms.Form):
    safe_now = forms.ChoiceField(
        label="Is it safe for you to chat now?",
        choices=SafeToChat.CHOICES,
        widget=forms.RadioSelect,
        help_text="For example, nobody can see your screen who should not.",
        error_messages={"required": "Select whether it is safe for you to chat now"},
    )
    nickname = forms.CharField(
        label="What should we call you?",
        max_length=50,
        help_text="A first name or a nickname. You do not have to give your real name.",
        error_messages={
            "required": "Enter a first name or nickname",
            "max_length": "Your name or nickname must be 50 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    topic = forms.ChoiceField(label="What would you like to talk about? (optional)", required=False)
    share = forms.BooleanField(
        label="Share my role and the titles of the guides I am working through with the supporter",
        required=False,
        help_text="Only the titles. Nothing you have written in your diary or in activities is ever shared.",
    )

    share_what_happened = forms.BooleanField(
        label="Share what happened to me with the supporter",
        required=False,
        help_text="Only what you chose in “what happened”, so you do not have to explain it again.",
    )

    def __init__(
        self, *args: Any, topics: list[str], signed_in: bool, what_happened: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["topic"]).choices = [("", "Choose a topic, or leave this")] + [
            (title, title) for title in topics
        ]
        if not signed_in:
            del self.fields["share"]
        if signed_in and what_happened:
            self.fields[
                "share_what_happened"
            ].help_text = f"You told us: {', '.join(what_happened)}. Only this is shared, and only if you tick the box."
        else:
            del self.fields["share_what_happened"]

    @property
    def at_risk(self) -> bool:
        return self.cleaned_data["safe_now"] != SafeToChat.YES


class MessageForm(forms.Form):
    text = forms.CharField(
        label="Your message",
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "maxlength": MAX_MESSAGE_LENGTH}),
        error_messages={
            "required": "Write a message before sending",
            "max_length": f"Messages must be {MAX_MESSAGE_LENGTH:,} characters or fewer",
        },
    )


class AfterChatForm(forms.Form):
    helped = forms.ChoiceField(
        label="Did this chat help? (optional)",
        choices=Feedback.Helped.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Your answer is anonymous: it is not linked to this chat or to you.",
    )
    keep_copy = forms.BooleanField(
        label="Keep a copy of this chat in my account",
        required=False,
        help_text="Only you can see it, in “download my data”. It is deleted with your account.",
    )

    def __init__(self, *args: Any, signed_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not signed_in:
            del self.fields["keep_copy"]


class ChatContactForm(SafeContactForm):
    """The safe-contact form a supporter sends to a visitor, for a caseworker to get in touch."""

    name = forms.CharField(
        label="Name or nickname (optional)",
        required=False,
        max_length=100,
        help_text="What the caseworker should call you.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "govuk-input--width-20"}),
    )

    field_order = ["name"]


# --- Staff ---------------------------------------------------------------------------------------


class CannedResponseForm(forms.Form):
    canned = forms.ModelChoiceField(
        label="Ready-written message",
        queryset=CannedResponse.objects.filter(is_active=True),
        empty_label="Choose a message",
        error_messages={"required": "Choose a message to send"},
    )


class TransferForm(forms.Form):
    to = forms.TypedChoiceField(
        label="Transfer to", coerce=int, error_messages={"required": "Choose a supporter to transfer to"}
    )

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {user.pk: user for user in candidates}
        cast(forms.ChoiceField, self.fields["to"]).choices = [("", "Choose a supporter")] + [
            (user.pk, user.email) for user in candidates
        ]


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Search partner organisations", required=False, max_length=100)


class WrapUpForm(forms.Form):
    outcome = forms.ModelChoiceField(
        label="Outcome",
        queryset=WrapUpOutcome.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the outcome of the chat"},
    )
    referral = forms.ChoiceField(
        label="Was a referral made?",
        choices=Referral.choices,
        widget=forms.RadioSelect,
        initial=Referral.NONE,
        error_messages={"required": "Choose whether a referral was made"},
    )
    organisation = forms.ModelChoiceField(
        label="Partner organisation (if referred to one)",
        queryset=Organisation.objects.published(),
        required=False,
        empty_label="Choose an organisation",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only what the team needs. Notes are deleted with the chat.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("referral") == Referral.PARTNER and not cleaned.get("organisation"):
            self.add_error("organisation", "Choose the partner organisation")
        return cleaned
