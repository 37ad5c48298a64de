"""What happened to a person and the dates of their case: theirs alone, used only to fit help to them.

Nothing here is shown to staff (there is no admin screen) or shared with anyone, unless the person
chooses to include it in a hand-off.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class CrimeType(models.TextChoices):
    """What happened, in the words people use. Editors tag topics and guides with the same values."""

    BURGLARY = "burglary", "Burglary (someone broke into my home)"
    THEFT_OR_ROBBERY = "theft-or-robbery", "Theft or robbery"
    FRAUD = "fraud", "Fraud or a scam"
    ASSAULT = "assault", "Assault (someone attacked or hurt me)"
    DOMESTIC_ABUSE = "domestic-abuse", "Domestic abuse"
    SEXUAL_VIOLENCE = "sexual-violence", "Sexual violence"
    STALKING = "stalking-or-harassment", "Stalking or harassment"
    HATE_CRIME = "hate-crime", "Hate crime"
    ONLINE = "online-crime", "Online crime"
    ANTISOCIAL_BEHAVIOUR = "antisocial-behaviour", "Anti-social behaviour"
    ROAD = "road-crime", "Road crime (for example, dangerous driving)"
    BEREAVEMENT = "bereavement", "The death of someone close to me through crime"
    OTHER = "other", "Something else"


# Chosen on its own: the person would rather not say what happened.
RATHER_NOT_SAY = "rather-not-say"

# Crimes of violence, for which the Criminal Injuries Compensation Scheme may pay.
VIOLENT_CRIME_TYPES = frozenset(
    {
        CrimeType.ASSAULT,
        CrimeType.DOMESTIC_ABUSE,
        CrimeType.SEXUAL_VIOLENCE,
        CrimeType.THEFT_OR_ROBBERY,
        CrimeType.HATE_CRIME,
        CrimeType.BEREAVEMENT,
    }
)


def crime_type_label(value: str) -> str:
    return dict(CrimeType.choices).get(value, "")


class Reported(models.TextChoices):
    YES = "yes", "Yes"
    NOT_YET = "not-yet", "Not yet, or I have not decided"
    NO = "no", "No"
    RATHER_NOT_SAY = "rather-not-say", "I would rather not say"


class WhatHappened(models.Model):
    """The person's own answer to "what happened?". One row per person once they have been asked.

    An empty answer (skipped, or removed later) keeps the row, so the question after sign-up is
    asked only once; it holds nothing about the person but when it was last changed.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="what_happened")
    crime_types = models.JSONField(default=list, blank=True)
    reported = models.CharField(max_length=20, choices=Reported.choices, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "what happened"

    def __str__(self) -> str:
        return "What happened"

    @property
    def is_empty(self) -> bool:
        return not self.crime_types and not self.reported

    @property
    def tailoring_types(self) -> list[str]:
        """The crime types suggestions can use (not "rather not say" or "something else")."""
        return [value for value in self.crime_types if value in CrimeType.values and value != CrimeType.OTHER]

    def crime_type_labels(self) -> list[str]:
        if self.crime_types == [RATHER_NOT_SAY]:
            return ["I would rather not say"]
        return [crime_type_label(value) for value in self.crime_types if value in CrimeType.values]


class CaseDates(models.Model):
    """The key dates of one of a person's cases, as they gave them. Every date is optional."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_dates")
    label = models.CharField(
        "A name for this, if you like", max_length=80, blank=True, help_text="Only you will see it."
    )
    happened_on = models.DateField("When it happened", null=True, blank=True)
    reported_on = models.DateField("When you reported it to the police", null=True, blank=True)
    charged_on = models.DateField("When someone was charged", null=True, blank=True)
    not_charged_on = models.DateField(
        "When you were told nobody would be charged, or the case was dropped", null=True, blank=True
    )
    court_on = models.DateField("Your next court date", null=True, blank=True)
    sentenced_on = models.DateField("When the person was sentenced", null=True, blank=True)
    reminders = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    DATE_FIELDS: ClassVar = ["happened_on", "reported_on", "charged_on", "not_charged_on", "court_on", "sentenced_on"]

    class Meta:
        verbose_name_plural = "case dates"
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return self.label or "Your dates"

    def get_absolute_url(self) -> str:
        return reverse("situation:timeline", kwargs={"pk": self.pk})

    @classmethod
    def date_label(cls, name: str) -> str:
        field = cls._meta.get_field(name)
        assert isinstance(field, models.DateField)
        return str(field.verbose_name)

    def dates(self) -> dict[str, datetime.date]:
        """The dates the person gave, by field name."""
        return {name: value for name in self.DATE_FIELDS if (value := getattr(self, name)) is not None}


class Reminder(models.Model):
    """An email to send before a deadline on the person's timeline. Removed when the dates change."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timeline_reminders")
    case = models.ForeignKey(CaseDates, on_delete=models.CASCADE, related_name="reminder_rows")
    rule = models.CharField(max_length=40)
    deadline = models.DateField()
    send_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["send_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "rule", "deadline"], name="one_reminder_per_deadline")
        ]

    def __str__(self) -> str:
        return "Reminder"
