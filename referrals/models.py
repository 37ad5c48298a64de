"""Bridges to more help: impact checks, requests for a person, hand-offs to outside systems,
the partner organisations directory, and the audit trail of staff who opened a request."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

# --- Impact check ---------------------------------------------------------------------------


class Outcome(models.TextChoices):
    """Where the check steers a person. The labels are for staff; people see what we suggest."""

    DANGER = "danger", "In danger now"
    SEVERE = "severe", "Severe impact or at risk"
    MODERATE = "moderate", "Moderate impact"
    LOW = "low", "Low impact"


class SafeNow(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNSURE = "unsure", "I am not sure"


class Worried(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNSURE = "unsure", "I am not sure"


class DailyLife(models.TextChoices):
    A_LITTLE = "a_little", "A little, or not at all"
    QUITE_A_LOT = "quite_a_lot", "Quite a lot"
    VERY_MUCH = "very_much", "Very much: I am finding it hard to cope"


class HarmThoughts(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    RATHER_NOT_SAY = "rather_not_say", "I would rather not say"


class SomeoneToTalkTo(models.TextChoices):
    YES = "yes", "Yes"
    NOT_REALLY = "not_really", "Not really"


class CheckAbout(models.TextChoices):
    """Whose check it is: the person's own, or a supporter's about someone they support and themselves."""

    SELF = "self", "About themselves"
    SOMEONE_SUPPORTED = "someone_supported", "About someone they support, and themselves"


class TheirHarmThoughts(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    DO_NOT_KNOW = "do_not_know", "I do not know"


class SupporterStrain(models.TextChoices):
    A_LITTLE = "a_little", "A little, or not at all"
    QUITE_A_LOT = "quite_a_lot", "Quite a lot"
    VERY_MUCH = "very_much", "Very much: I am finding it hard to cope"


class ImpactCheck(models.Model):
    """One time a signed-in person answered the impact check. Signed-out answers are never stored.

    A supporter's check (``about`` is someone they support) holds the ``SUPPORTER_FIELDS`` and two
    outcomes: ``their_outcome`` for the person they support and ``outcome`` for the supporter's own
    strain, which is what steers the urgency of the supporter's own requests. An own check holds
    the ``ANSWER_FIELDS``.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="impact_checks")
    created_at = models.DateTimeField(default=timezone.now)
    about = models.CharField(max_length=20, choices=CheckAbout.choices, default=CheckAbout.SELF)
    safe_now = models.CharField(max_length=20, choices=SafeNow.choices, blank=True)
    worried_about_harm = models.CharField(max_length=20, choices=Worried.choices, blank=True)
    daily_life = models.CharField(max_length=20, choices=DailyLife.choices, blank=True)
    harm_thoughts = models.CharField(max_length=20, choices=HarmThoughts.choices, blank=True)
    someone_to_talk_to = models.CharField(max_length=20, choices=SomeoneToTalkTo.choices, blank=True)
    their_safe_now = models.CharField(max_length=20, choices=SafeNow.choices, blank=True)
    their_harm_thoughts = models.CharField(max_length=20, choices=TheirHarmThoughts.choices, blank=True)
    their_daily_life = models.CharField(max_length=20, choices=DailyLife.choices, blank=True)
    your_strain = models.CharField(max_length=20, choices=SupporterStrain.choices, blank=True)
    your_someone_to_talk_to = models.CharField(max_length=20, choices=SomeoneToTalkTo.choices, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    their_outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    ANSWER_FIELDS: ClassVar = ["safe_now", "worried_about_harm", "daily_life", "harm_thoughts", "someone_to_talk_to"]
    SUPPORTER_FIELDS: ClassVar = [
        "their_safe_now",
        "their_harm_thoughts",
        "their_daily_life",
        "your_strain",
        "your_someone_to_talk_to",
    ]

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["user", "-created_at"], name="impact_check_recent")]

    def __str__(self) -> str:
        return f"Impact check on {self.created_at:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:check-past", kwargs={"pk": self.pk})

    @staticmethod
    def outcome_for(answers: dict[str, str]) -> Outcome:
        """Safety first: any sign of danger now outranks everything else; doubt counts as risk."""
        if answers["safe_now"] == SafeNow.NO or answers["harm_thoughts"] == HarmThoughts.YES:
            return Outcome.DANGER
        if (
            answers["safe_now"] == SafeNow.UNSURE
            or answers["worried_about_harm"] == Worried.YES
            or answers["daily_life"] == DailyLife.VERY_MUCH
            or answers["harm_thoughts"] == HarmThoughts.RATHER_NOT_SAY
        ):
            return Outcome.SEVERE
        if (
            answers["daily_life"] == DailyLife.QUITE_A_LOT
            or answers["worried_about_harm"] == Worried.UNSURE
            or answers["someone_to_talk_to"] == SomeoneToTalkTo.NOT_REALLY
        ):
            return Outcome.MODERATE
        return Outcome.LOW

    @staticmethod
    def their_outcome_for(answers: dict[str, str]) -> Outcome:
        """For the person a supporter supports: danger now first; not knowing counts as risk."""
        if answers["their_safe_now"] == SafeNow.NO or answers["their_harm_thoughts"] == TheirHarmThoughts.YES:
            return Outcome.DANGER
        if (
            answers["their_safe_now"] == SafeNow.UNSURE
            or answers["their_harm_thoughts"] == TheirHarmThoughts.DO_NOT_KNOW
            or answers["their_daily_life"] == DailyLife.VERY_MUCH
        ):
            return Outcome.SEVERE
        if answers["their_daily_life"] == DailyLife.QUITE_A_LOT:
            return Outcome.MODERATE
        return Outcome.LOW

    @staticmethod
    def supporter_outcome_for(answers: dict[str, str]) -> Outcome:
        """For the supporter themselves: how much supporting someone is weighing on them."""
        if answers["your_strain"] == SupporterStrain.VERY_MUCH:
            return Outcome.SEVERE
        if (
            answers["your_strain"] == SupporterStrain.QUITE_A_LOT
            or answers["your_someone_to_talk_to"] == SomeoneToTalkTo.NOT_REALLY
        ):
            return Outcome.MODERATE
        return Outcome.LOW

    @property
    def is_supporter_check(self) -> bool:
        return self.about == CheckAbout.SOMEONE_SUPPORTED

    @staticmethod
    def urgency_reasons_for(answers: dict[str, str]) -> list[str]:
        """The answers behind an urgent outcome, as codes (labels in ``UrgencyReason``), most serious first."""
        reasons = []
        if answers.get("safe_now") == SafeNow.NO:
            reasons.append(UrgencyReason.NOT_SAFE_NOW)
        if answers.get("harm_thoughts") == HarmThoughts.YES:
            reasons.append(UrgencyReason.HARM_THOUGHTS)
        if answers.get("safe_now") == SafeNow.UNSURE:
            reasons.append(UrgencyReason.UNSURE_IF_SAFE)
        if answers.get("worried_about_harm") == Worried.YES:
            reasons.append(UrgencyReason.WORRIED_ABOUT_HARM)
        if answers.get("daily_life") == DailyLife.VERY_MUCH:
            reasons.append(UrgencyReason.HARD_TO_COPE)
        if answers.get("harm_thoughts") == HarmThoughts.RATHER_NOT_SAY:
            reasons.append(UrgencyReason.HARM_THOUGHTS_UNSAID)
        if answers.get("your_strain") == SupporterStrain.VERY_MUCH:
            reasons.append(UrgencyReason.HARD_TO_COPE)
        return [reason.value for reason in reasons]

    def urgency_reasons(self) -> list[str]:
        fields = self.SUPPORTER_FIELDS if self.is_supporter_check else self.ANSWER_FIELDS
        return self.urgency_reasons_for({name: getattr(self, name) for name in fields})


class UrgencyReason(models.TextChoices):
    """What the person answered that made their request urgent, in words a caseworker can act on."""

    NOT_SAFE_NOW = "not_safe_now", "Said they may be in danger now"
    HARM_THOUGHTS = "harm_thoughts", "Said they have had thoughts of hurting themselves or not wanting to be alive"
    UNSURE_IF_SAFE = "unsure_if_safe", "Not sure they are safe right now"
    WORRIED_ABOUT_HARM = "worried_about_harm", "Worried someone will hurt them or someone close in the next few days"
    HARD_TO_COPE = "hard_to_cope", "Finding it hard to cope with everyday life"
    HARM_THOUGHTS_UNSAID = "harm_thoughts_unsaid", "Would rather not say whether they have thoughts of self-harm"


# --- Requests for a person ------------------------------------------------------------------


class RequestKind(models.TextChoices):
    CASEWORKER = "caseworker", "Caseworker request"
    OUT_OF_HOURS = "out_of_hours", "Out-of-hours request"
    CHAT = "chat", "Request from a live chat"


class RequestStatus(models.TextChoices):
    NEW = "new", "New"
    CLAIMED = "claimed", "Claimed"
    CONTACTED = "contacted", "Contacted"
    CLOSED = "closed", "Closed"


class ClosingOutcome(models.TextChoices):
    """How a request ended. Every closed request has one; the person sees it in plain words."""

    SUPPORTED = "supported", "Supported"
    REFERRED = "referred", "Referred to a partner organisation"
    WITHDREW = "withdrew", "The person withdrew"
    NOT_REACHED = "not_reached", "Could not reach them"


class RequestStage(models.TextChoices):
    """Where a request has got to, as the person sees it."""

    WAITING = "waiting", "Waiting to be sent"
    WITH_TEAM = "with_team", "With our team"
    IN_PROGRESS = "in_progress", "Being worked on"
    CLOSED = "closed", "Closed"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"


class SafeTime(models.TextChoices):
    MORNING = "morning", "Mornings"
    AFTERNOON = "afternoon", "Afternoons"
    ANY = "any", "Any time we are open"


class HelpTopic(models.TextChoices):
    COMPENSATION = "compensation", "Claiming compensation"
    HOME_SECURITY = "home_security", "Making my home feel safer"
    COURT = "court", "Going to court or giving evidence"
    POLICE = "police", "Reporting to the police, or what happens next"
    FEELINGS = "feelings", "Coping with how I feel"
    PRACTICAL = "practical", "Practical things, like money, housing or work"
    OTHER = "other", "Something else"


class SilverCloudTopic(models.TextChoices):
    """What a person would like SilverCloud's help with; SilverCloud suggests programmes from it."""

    WORRY = "worry", "Worry and anxiety"
    LOW_MOOD = "low_mood", "Low mood"
    STRESS = "stress", "Stress"
    SLEEP = "sleep", "Sleep"
    FRIGHTENING_EVENTS = "frightening_events", "Coping after a frightening event"
    RESILIENCE = "resilience", "Building resilience"


# Lower is more urgent: the caseworker queue puts people in danger or at severe impact first.
PRIORITY_FOR_OUTCOME = {Outcome.DANGER: 0, Outcome.SEVERE: 1}
NORMAL_PRIORITY = 2


class SupportRequestQuerySet(models.QuerySet["SupportRequest"]):
    def open(self) -> SupportRequestQuerySet:
        return self.exclude(status=RequestStatus.CLOSED)

    def with_handoff_in_flight(self) -> SupportRequestQuerySet:
        """Each request with what ``stage`` needs from its hand-offs, in the same query."""
        return self.annotate(
            handoff_in_flight=models.Exists(
                Handoff.objects.filter(support_request=models.OuterRef("pk"), status__in=IN_FLIGHT)
            )
        )

    def for_queue(self) -> SupportRequestQuerySet:
        """Most urgent first; within the same urgency, whoever has waited longest."""
        return self.select_related("claimed_by").order_by("priority", "created_at", "pk")


class SupportRequest(models.Model):
    """A request for a person to get in touch: from a signed-in person, or out of hours from anyone."""

    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="support_requests"
    )
    name = models.CharField("name or nickname", max_length=100, blank=True)
    contact_method = models.CharField(max_length=10, choices=ContactMethod.choices)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    safe_times = models.JSONField(default=list)
    safe_times_note = models.CharField(max_length=300, blank=True)
    # Per way of contact: yes, no, or not asked (which counts as no). See referrals/safe_contact.py.
    voicemail_safe = models.BooleanField("a voicemail is safe", null=True)
    text_safe = models.BooleanField("a text message is safe", null=True)
    email_safe = models.BooleanField("an email is safe", null=True)
    code_word = models.CharField(max_length=50, blank=True)
    help_topics = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    # Titles of the guides the person chose to share, as they were when they asked.
    guides_shared = models.JSONField(default=list, blank=True)
    # What happened to the person (situation.models.CrimeType codes), only if they chose to share it.
    crime_types_shared = models.JSONField(default=list, blank=True)
    impact_outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    priority = models.PositiveSmallIntegerField(default=NORMAL_PRIORITY)
    urgency_reasons = models.JSONField(default=list, blank=True)
    # The person's role (victim, witness, supporter) when they asked, if they have an account.
    role = models.CharField(max_length=20, blank=True)
    # A police force area (referrals/police_areas.py), so the team nearest them can pick it up.
    area = models.CharField(max_length=40, blank=True)
    # The request this one asks again after (its history is shown with this one).
    follows = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="followed_by")
    # From a hidden field in the form: a second post of the same form finds this row instead of adding one.
    submission_token = models.UUIDField(unique=True)
    # A request made without an account: the SHA-256 of the private key in the link the person keeps
    # to come back to it (referrals/follow_up.py). The key itself is never stored.
    follow_up_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_outcome = models.CharField(max_length=20, choices=ClosingOutcome.choices, blank=True)
    referred_to = models.ForeignKey("Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    referral_consent = models.BooleanField("the person agreed to the referral", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["status", "priority", "-created_at"], name="request_queue"),
            # The caseworker queue's open requests in its order (for_queue), so a page of 50 and the
            # count read this index alone instead of sorting every open request on each view.
            models.Index(
                fields=["priority", "created_at", "id"],
                condition=~models.Q(status=RequestStatus.CLOSED.value),
                name="request_open_queue",
            ),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(contact_method__in=ContactMethod.values), name="request_method"),
            models.CheckConstraint(condition=models.Q(status__in=RequestStatus.values), name="request_status"),
            # Never a way of contact the person called unsafe (or did not confirm as safe).
            models.CheckConstraint(
                # (NULL would pass a plain "= true" check, so "not null" is said too.)
                condition=~models.Q(contact_method=ContactMethod.TEXT)
                | (models.Q(text_safe__isnull=False) & models.Q(text_safe=True)),
                name="request_text_is_safe",
            ),
            models.CheckConstraint(
                condition=~models.Q(contact_method=ContactMethod.EMAIL)
                | (models.Q(email_safe__isnull=False) & models.Q(email_safe=True)),
                name="request_email_is_safe",
            ),
            models.CheckConstraint(
                condition=~models.Q(contact_method=ContactMethod.PHONE) | models.Q(voicemail_safe__isnull=False),
                name="request_voicemail_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:request", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"R{self.pk:05d}" if self.pk else "R-new"

    @property
    def is_urgent(self) -> bool:
        return self.priority < NORMAL_PRIORITY

    @property
    def contact_detail(self) -> str:
        return self.email if self.contact_method == ContactMethod.EMAIL else self.phone

    @property
    def contact_detail_display(self) -> str:
        """Phone numbers grouped as people read them out: 020 7946 0018, 07700 900982."""
        if self.contact_method == ContactMethod.EMAIL or len(self.phone) != 11:
            return self.contact_detail
        if self.phone.startswith("02"):
            return f"{self.phone[:3]} {self.phone[3:7]} {self.phone[7:]}"
        return f"{self.phone[:5]} {self.phone[5:]}"

    def safe_time_labels(self) -> list[str]:
        return [SafeTime(value).label for value in self.safe_times if value in SafeTime.values]

    def help_topic_labels(self) -> list[str]:
        return [HelpTopic(value).label for value in self.help_topics if value in HelpTopic.values]

    def crime_type_shared_labels(self) -> list[str]:
        from situation.models import crime_type_label

        return [label for value in self.crime_types_shared if (label := crime_type_label(value))]

    def urgency_reason_labels(self) -> list[str]:
        return [UrgencyReason(value).label for value in self.urgency_reasons if value in UrgencyReason.values]

    @property
    def role_label(self) -> str:
        from accounts.models import Role

        return Role(self.role).label if self.role in Role.values else ""

    @property
    def area_name(self) -> str:
        from referrals.police_areas import area_name

        return area_name(self.area)

    def how_to_contact_safely(self) -> list[str]:
        """The one summary staff work from: how, when, and what never to do."""
        from referrals.safe_contact import summary_lines

        times = ", ".join(label.lower() for label in self.safe_time_labels())
        if self.safe_times_note:
            times = f"{times} ({self.safe_times_note})" if times else self.safe_times_note
        return summary_lines(
            method=self.contact_method,
            detail=self.contact_detail_display,
            times=times,
            voicemail_safe=self.voicemail_safe,
            text_safe=self.text_safe,
            email_safe=self.email_safe,
            code_word=self.code_word,
        )

    @property
    def is_open(self) -> bool:
        return self.status != RequestStatus.CLOSED

    def can_be_claimed_by(self, user: Any) -> bool:
        return self.status == RequestStatus.NEW and self.claimed_by_id is None and is_caseworker(user)

    def is_safe_time(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in the times the person said are safe, within the team's hours."""
        from referrals.hours import service_hours, uk_time

        hours = service_hours()
        if not hours.is_open_at(moment):
            return False
        local = uk_time(moment).time()
        allowed = set(self.safe_times)
        return (
            SafeTime.ANY in allowed
            or (SafeTime.MORNING in allowed and local < MIDDAY)
            or (SafeTime.AFTERNOON in allowed and local >= MIDDAY)
        )

    def stage(self) -> RequestStage:
        """Waiting to be sent (to the case-management system), with our team, being worked on, or closed.

        Reads ``handoffs``: prefetch them for lists, or use ``with_handoff_in_flight``.
        """
        if self.status == RequestStatus.CLOSED:
            return RequestStage.CLOSED
        if self.status in {RequestStatus.CLAIMED, RequestStatus.CONTACTED}:
            return RequestStage.IN_PROGRESS
        in_flight = getattr(self, "handoff_in_flight", None)
        if in_flight is None:
            in_flight = any(handoff.status in IN_FLIGHT for handoff in self.handoffs.all())
        if in_flight:
            return RequestStage.WAITING
        return RequestStage.WITH_TEAM

    def person_status(self) -> str:
        """The status in words for the person who asked."""
        stage = self.stage()
        if stage == RequestStage.WAITING:
            return "Waiting to be sent to our team"
        if stage == RequestStage.WITH_TEAM:
            return "With our team: a caseworker will get in touch"
        if stage == RequestStage.IN_PROGRESS:
            return "A caseworker is working on your request"
        return {
            ClosingOutcome.SUPPORTED.value: "Closed: a caseworker supported you",
            ClosingOutcome.REFERRED.value: "Closed: passed to another organisation, as you agreed",
            ClosingOutcome.WITHDREW.value: "Closed: you withdrew this request",
            ClosingOutcome.NOT_REACHED.value: "Closed: we could not reach you",
        }.get(self.closing_outcome, "Closed")


MIDDAY = time(12, 0)


class NoteKind(models.TextChoices):
    NOTE = "note", "Note"
    CONTACT_ATTEMPT = "contact_attempt", "Contact attempt"
    # Written by the person themselves, from their request page.
    PERSON_CHANGED = "person_changed", "They changed how to reach them"
    PERSON_WITHDREW = "person_withdrew", "They withdrew the request"
    CLOSED = "closed", "Closed"


class ContactOutcome(models.TextChoices):
    SPOKE = "spoke", "Spoke to them"
    NO_ANSWER = "no_answer", "No answer, no message left"
    LEFT_MESSAGE = "left_message", "Left a voicemail or sent a message"
    NOT_SAFE = "not_safe", "They could not talk safely"
    WRONG_DETAILS = "wrong_details", "Contact details did not work"


class CaseNote(models.Model):
    """A caseworker's note or record of a contact attempt on a request."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    contact_outcome = models.CharField(max_length=20, choices=ContactOutcome.choices, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.request.reference}"

    @property
    def is_failed_attempt(self) -> bool:
        return self.kind == NoteKind.CONTACT_ATTEMPT and self.contact_outcome != ContactOutcome.SPOKE


# --- Hand-offs to outside systems (the outbox) ----------------------------------------------


class Destination(models.TextChoices):
    SILVERCLOUD = "silvercloud", "SilverCloud"
    CASEWORKER = "caseworker", "Case management system"


class HandoffStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Trying again"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"
    KEPT = "kept", "Not sent externally (kept for the caseworker queue)"


IN_FLIGHT = (HandoffStatus.PENDING, HandoffStatus.SENDING, HandoffStatus.RETRYING)


class HandoffQuerySet(models.QuerySet["Handoff"]):
    def needing_attention(self) -> HandoffQuerySet:
        """What a caseworker must finish by hand: failed deliveries, and SilverCloud ones kept here."""
        failed = models.Q(status=HandoffStatus.FAILED)
        kept_silvercloud = models.Q(status=HandoffStatus.KEPT, destination=Destination.SILVERCLOUD)
        return self.filter(failed | kept_silvercloud, resolved_at__isnull=True)


class Handoff(models.Model):
    """One message to an outside system, written in the same transaction as what it reports.

    A background task POSTs ``payload`` to the destination's endpoint; the idempotency key
    stays the same across attempts so the receiver can drop repeats.
    """

    destination = models.CharField(max_length=20, choices=Destination.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="handoffs"
    )
    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="handoffs"
    )
    payload = models.JSONField()
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=HandoffStatus.choices, default=HandoffStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due (empty: at once); while sending, when that attempt counts as lost.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = HandoffQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["status", "next_attempt_at"], name="handoff_due")]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(status__in=HandoffStatus.values), name="handoff_status"),
        ]

    def __str__(self) -> str:
        return f"Hand-off to {self.get_destination_display()} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        return f"H{self.pk:05d}" if self.pk else "H-new"

    @property
    def person_state(self) -> str:
        """Where it has got to, as the person sees it: sent, retrying, failed, kept (with our team), sending or waiting."""
        if self.status == HandoffStatus.SENT or (self.status == HandoffStatus.KEPT and self.resolved_at):
            return "sent"
        if self.status == HandoffStatus.RETRYING or (self.status == HandoffStatus.SENDING and self.attempts > 1):
            return "retrying"
        if self.status == HandoffStatus.FAILED:
            return "failed"
        if self.status == HandoffStatus.KEPT:
            return "kept"
        # "Sending" only once a worker has taken it; until then it waits in the outbox.
        return "sending" if self.status == HandoffStatus.SENDING else "waiting"

    def person_status(self) -> str:
        return {
            "sent": "Sent",
            "retrying": "We are trying again",
            "failed": "Could not be sent",
            "kept": "With our team",
            "sending": "Sending",
            "waiting": "Waiting to be sent",
        }[self.person_state]


# --- Staff audit trail ----------------------------------------------------------------------


class AuditAction(models.TextChoices):
    VIEWED = "viewed", "Opened"
    CLAIMED = "claimed", "Claimed"
    NOTE_ADDED = "note_added", "Added a note"
    CONTACT_RECORDED = "contact_recorded", "Recorded a contact attempt"
    STATUS_CHANGED = "status_changed", "Changed the status"
    CLOSED = "closed", "Closed the request"
    HANDOFF_RETRIED = "handoff_retried", "Sent a hand-off again"
    HANDOFF_RESOLVED = "handoff_resolved", "Marked a hand-off as dealt with"


class AuditEntry(models.Model):
    """Who on the staff opened or changed which request, and when. Holds no personal details,
    so it outlives the request (and the person's account) it points to."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    staff_email = models.CharField(max_length=254)
    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    handoff = models.ForeignKey(Handoff, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reference = models.CharField(max_length=20)
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.staff_email} {self.get_action_display().lower()} {self.reference}"


# --- Partner organisations ------------------------------------------------------------------


class Area(models.TextChoices):
    NATIONAL = "national", "National"
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"
    EAST_OF_ENGLAND = "east-of-england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"
    MIDLANDS = "midlands", "Midlands"
    NORTH_WEST = "north-west", "North West"
    NORTH_EAST_AND_YORKSHIRE = "north-east-and-yorkshire", "North East and Yorkshire"


ENGLISH_REGIONS = {
    Area.EAST_OF_ENGLAND,
    Area.LONDON,
    Area.SOUTH_EAST,
    Area.SOUTH_WEST,
    Area.MIDLANDS,
    Area.NORTH_WEST,
    Area.NORTH_EAST_AND_YORKSHIRE,
}


def areas_serving(area: str) -> list[str]:
    """The areas whose organisations help someone in ``area``: it, the nation around it, and national ones."""
    if area == Area.NATIONAL:
        return [Area.NATIONAL]
    if area in ENGLISH_REGIONS:
        return [area, Area.ENGLAND, Area.NATIONAL]
    return [area, Area.NATIONAL]


class Need(models.Model):
    """What an organisation helps with (domestic abuse, fraud and scams...): the directory's first filter."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def published(self) -> OrganisationQuerySet:
        return self.filter(is_published=True)

    def for_need(self, need_slug: str) -> OrganisationQuerySet:
        return self.filter(needs__slug=need_slug)

    def serving(self, area: str) -> OrganisationQuerySet:
        return self.filter(area__in=areas_serving(area))


NUMBER_FIELD_HELP = (
    "The number as the organisation writes it, or [[number:name]] for a number in the site's list "
    "(for example [[number:samaritans]]), so it is written once and changes everywhere."
)


class Organisation(models.Model):
    """A specialist partner organisation in the public directory. Editors keep it up to date."""

    slug = models.SlugField(max_length=80, unique=True, help_text="Stable key: never change it once shipped.")
    name = models.CharField(max_length=120)
    summary = models.TextField(help_text="What they do, in one or two plain sentences.")
    needs = models.ManyToManyField(Need, related_name="organisations")
    area = models.CharField(max_length=40, choices=Area.choices, default=Area.NATIONAL)
    phone = models.CharField(max_length=40, blank=True, help_text=NUMBER_FIELD_HELP)
    text = models.CharField("number to text", max_length=40, blank=True, help_text=NUMBER_FIELD_HELP)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    opening_hours = models.CharField(max_length=200)
    is_published = models.BooleanField("shown in the directory", default=True)
    last_checked = models.DateField(
        null=True, blank=True, help_text="When the organisation last confirmed these details."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


CASEWORKERS_GROUP = "Caseworkers"


def is_caseworker(user: Any) -> bool:
    """Staff in the Caseworkers group (or superusers). Two-factor is already required of everyone signed in."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return bool(user.is_superuser or user.groups.filter(name=CASEWORKERS_GROUP).exists())
