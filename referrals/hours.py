"""When the caseworker team works, and so when someone who asks out of hours will hear from us."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Less than this before closing, nobody can be expected to call back the same day.
SAME_DAY_CUT_OFF = timedelta(hours=1)


@dataclass(frozen=True)
class ServiceHours:
    weekdays: frozenset[int]
    opens: time
    closes: time
    closed_dates: frozenset[date]

    @classmethod
    def from_settings(cls) -> ServiceHours:
        """Read and check REFERRALS_SERVICE_DAYS, _HOURS and REFERRALS_CLOSED_DATES (loudly)."""
        days = [day.lower() for day in settings.REFERRALS_SERVICE_DAYS]
        unknown = [day for day in days if day not in DAY_NAMES]
        if unknown or not days:
            raise ImproperlyConfigured(f"REFERRALS_SERVICE_DAYS must be days like mon,tue,wed, not {unknown or days}.")
        try:
            opens_text, closes_text = settings.REFERRALS_SERVICE_HOURS.split("-")
            opens, closes = time.fromisoformat(opens_text.strip()), time.fromisoformat(closes_text.strip())
        except ValueError:
            raise ImproperlyConfigured(
                f"REFERRALS_SERVICE_HOURS must look like 08:00-17:00, not {settings.REFERRALS_SERVICE_HOURS!r}."
            ) from None
        if opens >= closes:
            raise ImproperlyConfigured("REFERRALS_SERVICE_HOURS must open before it closes.")
        try:
            closed = frozenset(date.fromisoformat(text) for text in settings.REFERRALS_CLOSED_DATES)
        except ValueError:
            raise ImproperlyConfigured(
                f"REFERRALS_CLOSED_DATES must be dates like 2026-12-25, not {settings.REFERRALS_CLOSED_DATES!r}."
            ) from None
        return cls(frozenset(DAY_NAMES.index(day) for day in days), opens, closes, closed)

    def is_open_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.closed_dates

    def is_open_at(self, moment: datetime) -> bool:
        local = timezone.localtime(moment, _uk())
        return self.is_open_on(local.date()) and self.opens <= local.time() < self.closes

    def next_contact(self, moment: datetime | None = None) -> ContactWindow:
        """The earliest working period in which a caseworker can reasonably get in touch."""
        local = timezone.localtime(moment or timezone.now(), _uk())
        closing_today = datetime.combine(local.date(), self.closes, tzinfo=local.tzinfo)
        if self.is_open_on(local.date()) and local.time() >= self.opens and local <= closing_today - SAME_DAY_CUT_OFF:
            return ContactWindow(day=local.date(), opens=self.opens, closes=self.closes, is_today=True, open_now=True)
        day = local.date() if local.time() < self.opens else local.date() + timedelta(days=1)
        for _ in range(400):
            if self.is_open_on(day):
                is_today = day == local.date()
                return ContactWindow(day=day, opens=self.opens, closes=self.closes, is_today=is_today, open_now=False)
            day += timedelta(days=1)
        raise ImproperlyConfigured("The service hours leave no open day in the coming year.")

    def describe(self) -> str:
        """For example: "8am to 5pm, Monday to Friday"."""
        return f"{_clock(self.opens)} to {_clock(self.closes)}, {_days(self.weekdays)}"


@dataclass(frozen=True)
class ContactWindow:
    day: date
    opens: time
    closes: time
    is_today: bool
    open_now: bool

    def describe(self) -> str:
        """For example: "today, before 5pm" or "on Monday 12 January, between 8am and 5pm"."""
        if self.open_now:
            return f"today, before {_clock(self.closes)}"
        if self.is_today:
            return f"today, between {_clock(self.opens)} and {_clock(self.closes)}"
        return self.describe_date()

    def describe_date(self) -> str:
        """Without "today", for pages read later: "on Monday 12 January, between 8am and 5pm"."""
        return f"on {self.day:%A} {self.day.day} {self.day:%B}, between {_clock(self.opens)} and {_clock(self.closes)}"


def service_hours() -> ServiceHours:
    return ServiceHours.from_settings()


def _uk() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def uk_time(moment: datetime) -> datetime:
    return timezone.localtime(moment, _uk())


def describe_moments(moments: list[datetime]) -> str:
    """When attempts were made, as a person would say it: "Tuesday morning and Wednesday afternoon".

    Moments more than six days apart get their dates, so two Tuesdays are not confused.
    """
    local = sorted(uk_time(moment) for moment in moments)
    if not local:
        return ""
    dated = (local[-1].date() - local[0].date()).days > 6
    phrases: list[str] = []
    for moment in local:
        part = "morning" if moment.hour < 12 else "afternoon" if moment.hour < 17 else "evening"
        day = f"{moment:%A} {moment.day} {moment:%B}" if dated else f"{moment:%A}"
        phrase = f"{day} in the {part}" if dated else f"{day} {part}"
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _clock(moment: time) -> str:
    """GOV.UK style times: 8am, 5:30pm, midday."""
    if moment == time(12, 0):
        return "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


_FULL_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _days(weekdays: frozenset[int]) -> str:
    ordered = sorted(weekdays)
    if len(ordered) == 7:
        return "every day"
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{_FULL_DAY_NAMES[ordered[0]]} to {_FULL_DAY_NAMES[ordered[-1]]}"
    names = [_FULL_DAY_NAMES[day] for day in ordered]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
