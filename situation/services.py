"""Writes for what happened and the rights timeline, reminders by email, and "download my data"."""

from __future__ import annotations

import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from situation import rules
from situation.models import CaseDates, CrimeType, Reminder, WhatHappened

if TYPE_CHECKING:
    from accounts.models import User


# Reminders go out in the morning, UK time, never in the middle of the night.
REMINDER_HOUR = 9


# --- What happened ----------------------------------------------------------------------------


@transaction.atomic
def save_what_happened(*, user: User, crime_types: list[str], reported: str) -> WhatHappened:
    answer, _ = WhatHappened.objects.update_or_create(
        user=user, defaults={"crime_types": crime_types, "reported": reported, "updated_at": timezone.now()}
    )
    return answer


def skip_what_happened(*, user: User) -> WhatHappened:
    """The person chose not to answer after sign-up: remember they were asked, and nothing else."""
    answer, _ = WhatHappened.objects.get_or_create(user=user)
    return answer


def remove_what_happened(*, user: User) -> None:
    WhatHappened.objects.filter(user=user).update(crime_types=[], reported="", updated_at=timezone.now())


def crime_types_for(user: Any) -> list[str]:
    """The crime types a person told us about, for fitting suggestions to them ([] when they have not said)."""
    if not (user and user.is_authenticated):
        return []
    answer = WhatHappened.objects.filter(user=user).first()
    return answer.tailoring_types if answer else []


def crime_types_to_share(user: Any) -> list[str]:
    """What the person said happened, as they could choose to share it in a hand-off ([] if nothing)."""
    if not (user and user.is_authenticated):
        return []
    answer = WhatHappened.objects.filter(user=user).first()
    return [value for value in answer.crime_types if value in CrimeType.values] if answer else []


# --- The rights timeline ----------------------------------------------------------------------


def timeline_for(
    case_dates: CaseDates, *, crime_types: list[str] | None = None, today: datetime.date | None = None
) -> list[rules.Entitlement]:
    """What follows from one case's dates; ``crime_types`` saves a query when the caller has them."""
    return rules.entitlements(
        dates=case_dates.dates(),
        crime_types=crime_types_for(case_dates.user) if crime_types is None else crime_types,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def save_case_dates(
    *,
    user: User,
    dates: dict[str, datetime.date | None],
    reminders: bool,
    label: str = "",
    case_dates: CaseDates | None = None,
) -> CaseDates:
    """Keep one case's dates (a new case when ``case_dates`` is None) and plan the reminders that follow."""
    unknown = set(dates) - set(CaseDates.DATE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown dates: {', '.join(sorted(unknown))}")
    if case_dates is None:
        case_dates = CaseDates(user=user)
    elif case_dates.user_id != user.pk:
        raise ValueError("These dates belong to someone else.")
    for name in CaseDates.DATE_FIELDS:
        setattr(case_dates, name, dates.get(name))
    case_dates.label, case_dates.reminders, case_dates.updated_at = label, reminders, timezone.now()
    case_dates.save()
    plan_reminders(case_dates=case_dates)
    return case_dates


def remove_case_dates(*, case_dates: CaseDates) -> None:
    """Delete one case's dates; its reminders go with it, and their tasks find nothing to send."""
    case_dates.delete()


def _send_time(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(REMINDER_HOUR), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def plan_reminders(*, case_dates: CaseDates) -> list[Reminder]:
    """Replace the case's unsent reminders with those that follow from its dates now.

    Only deadlines the person acts on have reminders, and only when they asked for them. A
    reminder whose day has passed while its deadline has not goes out at once. Each is sent by
    the task worker at its time; a task whose reminder was replaced finds nothing to send.
    """
    Reminder.objects.filter(case=case_dates, sent_at__isnull=True).delete()
    if not case_dates.reminders:
        return []
    now = timezone.now()
    today = timezone.localdate(now)
    already_sent = set(Reminder.objects.filter(case=case_dates).values_list("rule", "deadline"))
    planned = []
    for entitlement in timeline_for(case_dates, today=today):
        remind_on, deadline = entitlement.remind_on, entitlement.deadline
        if remind_on is None or deadline is None or deadline < today:
            continue
        if (entitlement.rule.key, deadline) in already_sent:
            continue
        planned.append(
            Reminder.objects.create(
                user=case_dates.user,
                case=case_dates,
                rule=entitlement.rule.key,
                deadline=deadline,
                send_at=max(_send_time(remind_on), now),
            )
        )
    for reminder in planned:
        transaction.on_commit(partial(_enqueue, reminder.pk, reminder.send_at))
    return planned


def _enqueue(reminder_id: int, send_at: datetime.datetime) -> None:
    from situation.tasks import send_timeline_reminder

    send_timeline_reminder.using(run_after=send_at).enqueue(reminder_id)


def send_reminder(*, reminder_id: int) -> bool:
    """Send one reminder if it is still wanted; True when an email went."""
    from accounts import emails

    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update()
            .select_related("user", "case")
            .filter(pk=reminder_id, sent_at__isnull=True, user__is_active=True)
            .first()
        )
        if reminder is None:
            return False  # replaced, removed, sent already, or the account is gone
        if timezone.now() < reminder.send_at or not reminder.case.reminders:
            return False
        # The email says nothing of what the deadline is about: someone else may see the inbox.
        emails.build("timeline-reminder", reminder.user.email, {}).send()
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
    return True


def next_deadline_in(cases: list[CaseDates], *, crime_types: list[str]) -> tuple[CaseDates, rules.Entitlement] | None:
    """The nearest deadline still ahead that the person acts on, across their cases, for "Your space"."""
    found = []
    for case_dates in cases:
        for entitlement in timeline_for(case_dates, crime_types=crime_types):
            if entitlement.rule.remind_days_before is not None and entitlement.status in (
                rules.Status.UPCOMING,
                rules.Status.TODAY,
            ):
                found.append((case_dates, entitlement))
    return min(found, key=lambda pair: pair[1].deadline or datetime.date.max) if found else None


# --- Download my data -------------------------------------------------------------------------


def export_for(user: User) -> dict[str, Any]:
    answer = WhatHappened.objects.filter(user=user).first()
    return {
        "what_happened": (
            {
                "what_happened": answer.crime_type_labels(),
                "reported_to_police": answer.get_reported_display() if answer.reported else None,
                "updated_at": answer.updated_at.isoformat(),
            }
            if answer
            else None
        ),
        "case_dates": [
            {
                "name": case_dates.label,
                **{CaseDates.date_label(name): value.isoformat() for name, value in case_dates.dates().items()},
                "reminders_by_email": case_dates.reminders,
                "updated_at": case_dates.updated_at.isoformat(),
            }
            for case_dates in CaseDates.objects.filter(user=user)
        ],
        "reminders": [
            {
                "about": rules.RULES_BY_KEY[row.rule].title if row.rule in rules.RULES_BY_KEY else row.rule,
                "deadline": row.deadline.isoformat(),
                "send_at": row.send_at.isoformat(),
                "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            }
            for row in Reminder.objects.filter(user=user)
        ],
    }
