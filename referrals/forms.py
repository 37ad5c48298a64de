from __future__ import annotations

import re
import uuid
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict

from referrals import services
from referrals.hours import service_hours
from referrals.models import (
    Area,
    ClosingOutcome,
    ContactMethod,
    ContactOutcome,
    DailyLife,
    HarmThoughts,
    HelpTopic,
    Need,
    Organisation,
    RequestStatus,
    SafeNow,
    SafeTime,
    SilverCloudTopic,
    SomeoneToTalkTo,
    SupporterStrain,
    SupportRequest,
    TheirHarmThoughts,
    Worried,
)
from referrals.police_areas import POLICE_FORCE_AREAS
from referrals.safe_contact import SafeContact, safety_errors

HONEYPOT_FIELD = "website"
TOKEN_FIELD = "submission_token"  # noqa: S105 (a field name, not a secret)


def _yes_no(label: str, help_text: str) -> forms.TypedChoiceField:
    """A yes/no question that may be left unanswered (None); which ones must be answered depends on other fields."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def _radios(label: str, choices: Any, required_message: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


class ImpactCheckForm(forms.Form):
    safe_now = _radios("Are you safe right now?", SafeNow.choices, "Select whether you are safe right now")
    worried_about_harm = _radios(
        "Are you worried that someone will hurt you, or someone close to you, in the next few days?",
        Worried.choices,
        "Select whether you are worried someone will hurt you",
    )
    daily_life = _radios(
        "How much is what happened affecting your everyday life?",
        DailyLife.choices,
        "Select how much it is affecting your everyday life",
        help_text="For example your sleep, eating, work or studies, or seeing people.",
    )
    harm_thoughts = _radios(
        "Have you had thoughts of hurting yourself, or of not wanting to be alive?",
        HarmThoughts.choices,
        "Select an answer about thoughts of hurting yourself",
        help_text="Many people have thoughts like this after something frightening. Your answer helps us show you the right support first.",
    )
    someone_to_talk_to = _radios(
        "Is there someone you trust who you can talk to?",
        SomeoneToTalkTo.choices,
        "Select whether there is someone you can talk to",
    )


class SupporterCheckForm(forms.Form):
    """For someone answering about a person they support: first about that person, then about themselves."""

    their_safe_now = _radios(
        "Is the person you support safe right now?",
        SafeNow.choices,
        "Select whether the person you support is safe right now",
    )
    their_harm_thoughts = _radios(
        "Have they talked about hurting themselves, or about not wanting to be alive?",
        TheirHarmThoughts.choices,
        "Select an answer about whether they have talked about hurting themselves",
    )
    their_daily_life = _radios(
        "How much is what happened affecting their everyday life?",
        DailyLife.choices,
        "Select how much it is affecting their everyday life",
        help_text="As far as you can tell. For example their sleep, work or seeing people.",
    )
    your_strain = _radios(
        "How much is supporting them affecting you?",
        SupporterStrain.choices,
        "Select how much supporting them is affecting you",
        help_text="Supporting someone can be hard. It is fine to need support yourself.",
    )
    your_someone_to_talk_to = _radios(
        "Is there someone you can talk to about how you feel?",
        SomeoneToTalkTo.choices,
        "Select whether there is someone you can talk to",
    )


# UK numbers: 0 then 9 or 10 digits (after turning +44 into 0). Mobiles, for texts: 07 and 9 more
# digits, without 070 (personal numbers) and 076 (pagers) other than 07624.
_UK_NUMBER = re.compile(r"0[1-9]\d{8,9}")
_UK_MOBILE = re.compile(r"07(?:[1-57-9]\d{8}|624\d{6})")


def normalise_uk_phone(raw: str) -> str:
    number = raw.strip().replace("(0)", "")
    number = re.sub(r"[\s\-().]", "", number)
    if number.startswith("+44"):
        number = "0" + number[3:]
    elif number.startswith("0044"):
        number = "0" + number[4:]
    return number


class SafeContactDetailsForm(forms.Form):
    """How and when it is safe to get in touch, with the per-method safety rules of referrals/safe_contact.py.

    Shared by the caseworker and out-of-hours requests and by changing a request; any other form
    that takes contact details for a person to be contacted (a chat supporter's referral) subclasses
    it, so the same rules and errors apply everywhere.
    """

    contact_method = _radios(
        "How would you like us to contact you?", ContactMethod.choices, "Select how you would like us to contact you"
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        help_text="For a phone call or a text. For texts, use a UK mobile number.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    safe_times = forms.MultipleChoiceField(
        label="When is it safe for us to contact you?",
        choices=SafeTime.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select when it is safe for us to contact you"},
    )
    safe_times_note = forms.CharField(
        label="Anything else about when it is safe (optional)",
        required=False,
        max_length=300,
        help_text="For example: not on Tuesdays, or only after 2pm.",
        error_messages={"max_length": "Times must be 300 characters or fewer"},
    )
    voicemail_safe = _yes_no(
        "If we call and you do not answer, is it safe for us to leave a voicemail?",
        "Only say yes if nobody else can listen to your voicemail.",
    )
    text_safe = _yes_no(
        "Is it safe for us to send you a text message?",
        "Only say yes if nobody else can read the texts on your phone.",
    )
    email_safe = _yes_no(
        "Is it safe for us to email you?",
        "Only say yes if nobody else can read your emails. We will only ever write that there is an update for you.",
    )
    code_word = forms.CharField(
        label="Code word (optional)",
        required=False,
        max_length=50,
        help_text="If you like, choose a word we will say when we contact you, so you know it is really us.",
        error_messages={"max_length": "The code word must be 50 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "govuk-input--width-20"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["safe_times"].help_text = f"Our team works {service_hours().describe()}. Select all that apply."

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        method = data.get("contact_method")
        phone = normalise_uk_phone(data.get("phone") or "")
        if method == ContactMethod.PHONE:
            if not phone:
                self.add_error("phone", "Enter a phone number, so we can call you")
            elif not _UK_NUMBER.fullmatch(phone):
                self.add_error("phone", "Enter a UK phone number, like 01632 960 001 or 07700 900 982")
        elif method == ContactMethod.TEXT:
            if not phone:
                self.add_error("phone", "Enter a mobile phone number, so we can text you")
            elif not _UK_MOBILE.fullmatch(phone):
                self.add_error("phone", "Enter a UK mobile number for texts, like 07700 900 982")
        elif method == ContactMethod.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter an email address, so we can email you")
        if method in ContactMethod.values and method != ContactMethod.EMAIL:
            # A half-typed email address they are not asking us to use is no reason to stop them.
            self.errors.pop("email", None)
        for name, message in safety_errors(
            method=method,
            voicemail_safe=data.get("voicemail_safe"),
            text_safe=data.get("text_safe"),
            email_safe=data.get("email_safe"),
        ).items():
            self.add_error(name, message)
        if "phone" not in self.errors:
            data["phone"] = phone
        return data

    def safe_contact(self) -> SafeContact:
        data = self.cleaned_data
        method = data["contact_method"]
        return SafeContact(
            method=method,
            # Keep only the detail for the chosen way of contact.
            phone=data["phone"] if method in {ContactMethod.PHONE, ContactMethod.TEXT} else "",
            email=data["email"] if method == ContactMethod.EMAIL else "",
            safe_times=list(data["safe_times"]),
            safe_times_note=data["safe_times_note"],
            voicemail_safe=data.get("voicemail_safe"),
            text_safe=data.get("text_safe"),
            email_safe=data.get("email_safe"),
            code_word=data["code_word"],
            help_topics=list(data.get("help_topics") or []),
            message=data.get("message") or "",
        )


AREA_CHOICES = [("", "I would rather not say"), *POLICE_FORCE_AREAS]


class SafeContactForm(SafeContactDetailsForm):
    """A new request: safe contact, what it is about, where, and a token against double posts."""

    help_topics = forms.MultipleChoiceField(
        label="What would you like help with? (optional)",
        required=False,
        choices=HelpTopic.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    message = forms.CharField(
        label="Anything else you would like us to know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="You do not have to tell us what happened.",
        error_messages={"max_length": "This must be 2,000 characters or fewer"},
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    area = forms.ChoiceField(
        label="Where do you live? (optional)",
        choices=AREA_CHOICES,
        required=False,
        help_text="The police force area, so the team nearest you can pick up your request. You do not need to have reported anything to the police.",
        error_messages={"invalid_choice": "Select a place from the list"},
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    token_was_missing = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(TOKEN_FIELD, uuid.uuid4())
        elif not _is_uuid(self.data.get(self.add_prefix(TOKEN_FIELD))):
            # A form posted without a valid token gets a fresh one, so sending it again works.
            data = cast(QueryDict, self.data).copy()
            data[self.add_prefix(TOKEN_FIELD)] = str(uuid.uuid4())
            self.data = data
            self.token_was_missing = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.token_was_missing:
            raise ValidationError("Something went wrong with the form. Check your answers and send it again.")
        return data


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class CaseworkerRequestForm(SafeContactForm):
    name = forms.CharField(
        label="What should we call you? (optional)",
        required=False,
        max_length=100,
        help_text="Your first name or a nickname.",
        error_messages={"max_length": "This must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "class": "govuk-input--width-20"}),
    )
    share_guides = forms.BooleanField(
        label="Share the names of the guides I have worked on",
        required=False,
        help_text="So you do not have to tell your story again. We never share what you wrote in them.",
    )

    share_what_happened = forms.BooleanField(
        label="Share what happened to me",
        required=False,
        help_text="Only what you chose in “what happened”, so you do not have to explain it again.",
    )

    field_order = [
        "name",
        "contact_method",
        "phone",
        "email",
        "safe_times",
        "safe_times_note",
        "voicemail_safe",
        "text_safe",
        "email_safe",
    ]

    def __init__(
        self,
        *args: Any,
        guides: list[dict[str, Any]] | None = None,
        what_happened: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if what_happened:
            self.fields[
                "share_what_happened"
            ].help_text = f"You told us: {', '.join(what_happened)}. Only this is shared, and only if you tick the box."
        else:
            del self.fields["share_what_happened"]
        if guides:
            titles = ", ".join(guide["title"] for guide in guides)
            self.fields[
                "share_guides"
            ].help_text = f"You have worked on: {titles}. We never share what you wrote in them."
        else:
            del self.fields["share_guides"]


class FollowUpKeyForm(forms.Form):
    key = forms.CharField(
        label="Your private key",
        max_length=40,
        help_text="The 20 letters and numbers you were given when you sent your details, for example BCDF-2345-GHJK-6789-MNPQ.",
        error_messages={
            "required": "Enter your private key",
            "max_length": "Your private key is 20 letters and numbers",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "govuk-input--width-20",
            }
        ),
    )


class OutOfHoursRequestForm(SafeContactForm):
    name = forms.CharField(
        label="Your name or a nickname",
        max_length=100,
        help_text="What we should call you when we get in touch.",
        error_messages={
            "required": "Enter your name or a nickname",
            "max_length": "Your name must be 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "class": "govuk-input--width-20"}),
    )
    # A field people never see (hidden by the stylesheet); form-filling bots tend to complete it.
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    field_order = [
        "name",
        "contact_method",
        "phone",
        "email",
        "safe_times",
        "safe_times_note",
        "voicemail_safe",
        "text_safe",
        "email_safe",
    ]

    def is_from_a_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix(HONEYPOT_FIELD), "").strip())


SILVERCLOUD_TOPICS = SilverCloudTopic.choices


class SilverCloudConsentForm(forms.Form):
    name = forms.CharField(
        label="What should SilverCloud call you?",
        max_length=100,
        help_text="Your first name or a nickname.",
        error_messages={
            "required": "Enter your name or a nickname",
            "max_length": "This must be 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "class": "govuk-input--width-20"}),
    )
    topics = forms.MultipleChoiceField(
        label="What would you like help with?",
        choices=SILVERCLOUD_TOPICS,
        widget=forms.CheckboxSelectMultiple,
        help_text="SilverCloud uses this to suggest programmes. Select all that apply.",
        error_messages={"required": "Select at least one thing you would like help with"},
    )
    consent = forms.BooleanField(
        label="I agree to share these details with SilverCloud",
        error_messages={"required": "Tick the box to agree to share these details, or go back if you do not want to"},
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(TOKEN_FIELD, uuid.uuid4())

    def topic_codes(self) -> list[str]:
        """In the order the form lists them."""
        return [value for value in SilverCloudTopic.values if value in self.cleaned_data["topics"]]


class DirectoryFilterForm(forms.Form):
    need = forms.ModelChoiceField(
        label="What do you need help with?",
        queryset=Need.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Anything",
        error_messages={"invalid_choice": "Select something from the list"},
    )
    area = forms.ChoiceField(
        label="Where do you live?",
        help_text="National organisations are always included.",
        choices=[
            ("", "Anywhere"),
            (Area.NATIONAL.value, "National organisations only"),
            *[(value, label) for value, label in Area.choices if value != Area.NATIONAL],
        ],
        required=False,
        error_messages={"invalid_choice": "Select a place from the list"},
    )


# --- Caseworker queue -------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    show = forms.ChoiceField(
        label="Show",
        choices=[("open", "Open requests"), ("mine", "Claimed by me"), ("closed", "Closed requests")],
        required=False,
        widget=forms.HiddenInput,
    )
    area = forms.ChoiceField(
        label="Area",
        choices=[("", "All areas"), ("none", "No area given"), *POLICE_FORCE_AREAS],
        required=False,
    )


class ContactAttemptForm(forms.Form):
    prefix = "contact"
    contact_outcome = _radios("What happened?", ContactOutcome.choices, "Select what happened")
    text = forms.CharField(
        label="Note (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    prefix = "note"
    text = forms.CharField(
        label="Note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a note"},
    )


class StatusForm(forms.Form):
    """Moving an open request along. Closing is a form of its own, because it needs an outcome."""

    prefix = "status"
    status = _radios(
        "Status",
        [(value, label) for value, label in RequestStatus.choices if value != RequestStatus.CLOSED],
        "Select a status",
    )


class CloseForm(forms.Form):
    prefix = "close"
    outcome = _radios("Outcome", ClosingOutcome.choices, "Select the outcome")
    referred_to = forms.ModelChoiceField(
        label="Which organisation?",
        queryset=Organisation.objects.published(),
        required=False,
        empty_label="Choose an organisation",
        help_text="Only for a referral. From the partner directory.",
    )
    referral_consent = forms.BooleanField(
        label="They agreed to us passing their details to this organisation", required=False
    )
    text = forms.CharField(
        label="Note (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, support_request: SupportRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.support_request = support_request

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        outcome = data.get("outcome")
        if outcome == ClosingOutcome.REFERRED:
            if not data.get("referred_to"):
                self.add_error("referred_to", "Choose the organisation you referred them to")
            if not data.get("referral_consent"):
                self.add_error("referral_consent", "Only refer someone who agreed to it: tick the box if they did")
        if (
            outcome == ClosingOutcome.NOT_REACHED
            and self.support_request is not None
            and not services.can_close_as_not_reached(self.support_request)
        ):
            self.add_error(
                "outcome",
                f"Try at least {settings.REFERRALS_MIN_ATTEMPTS} times, at times they said are safe, "
                "and record each attempt before closing as could not reach them",
            )
        return data
