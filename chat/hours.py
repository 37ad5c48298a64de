"""When the live chat is open: every day, all day, by default, except Christmas Day and Easter Sunday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_FULL_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def easter_sunday(year: int) -> date:
    """Western Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@dataclass(frozen=True)
class ChatHours:
    weekdays: frozenset[int]
    opens: time
    # None: open until midnight.
    closes: time | None
    closed_on_christmas_day: bool
    closed_on_easter_sunday: bool
    closed_dates: frozenset[date]

    @classmethod
    def from_settings(cls) -> ChatHours:
        """Read and check the CHAT_SERVICE_* and CHAT_CLOSED_* settings (loudly)."""
        days = [day.lower() for day in settings.CHAT_SERVICE_DAYS]
        unknown = [day for day in days if day not in DAY_NAMES]
        if unknown or not days:
            raise ImproperlyConfigured(f"CHAT_SERVICE_DAYS must be days like mon,tue,wed, not {unknown or days}.")
        try:
            opens_text, closes_text = (part.strip() for part in settings.CHAT_SERVICE_HOURS.split("-"))
            opens = time.fromisoformat(opens_text)
            closes = None if closes_text == "24:00" else time.fromisoformat(closes_text)
        except ValueError:
            raise ImproperlyConfigured(
                f"CHAT_SERVICE_HOURS must look like 00:00-24:00 or 08:00-22:00, not {settings.CHAT_SERVICE_HOURS!r}."
            ) from None
        if closes is not None and opens >= closes:
            raise ImproperlyConfigured("CHAT_SERVICE_HOURS must open before it closes.")
        try:
            closed = frozenset(date.fromisoformat(text) for text in settings.CHAT_CLOSED_DATES)
        except ValueError:
            raise ImproperlyConfigured(
                f"CHAT_CLOSED_DATES must be dates like 2026-12-28, not {settings.CHAT_CLOSED_DATES!r}."
            ) from None
        return cls(
            weekdays=frozenset(DAY_NAMES.index(day) for day in days),
            opens=opens,
            closes=closes,
            closed_on_christmas_day=settings.CHAT_CLOSED_ON_CHRISTMAS_DAY,
            closed_on_easter_sunday=settings.CHAT_CLOSED_ON_EASTER_SUNDAY,
            closed_dates=closed,
        )

    def closure_on(self, day: date) -> str:
        """Why chat is closed all day on ``day`` ("Christmas Day"...), or "" if it opens that day."""
        if self.closed_on_christmas_day and (day.month, day.day) == (12, 25):
            return "Christmas Day"
        if self.closed_on_easter_sunday and day == easter_sunday(day.year):
            return "Easter Sunday"
        if day in self.closed_dates or day.weekday() not in self.weekdays:
            return "a day we are closed"
        return ""

    def is_open_at(self, moment: datetime | None = None) -> bool:
        local = timezone.localtime(moment or timezone.now(), ZoneInfo(settings.TIME_ZONE))
        if self.closure_on(local.date()):
            return False
        return self.opens <= local.time() and (self.closes is None or local.time() < self.closes)

    def describe(self) -> str:
        """For example: "24 hours a day, every day, except Christmas Day and Easter Sunday"."""
        if self.opens == time(0) and self.closes is None:
            span = "24 hours a day"
        else:
            span = f"{_clock(self.opens)} to {_clock(self.closes or time(0))}"
        exceptions = [
            name
            for name, closed in (
                ("Christmas Day", self.closed_on_christmas_day),
                ("Easter Sunday", self.closed_on_easter_sunday),
            )
            if closed
        ]
        text = f"{span}, {_days(self.weekdays)}"
        return f"{text}, except {' and '.join(exceptions)}" if exceptions else text


def chat_hours() -> ChatHours:
    return ChatHours.from_settings()


def _clock(moment: time) -> str:
    if moment == time(0):
        return "midnight"
    if moment == time(12, 0):
        return "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def _days(weekdays: frozenset[int]) -> str:
    ordered = sorted(weekdays)
    if len(ordered) == 7:
        return "every day"
    names = [_FULL_DAY_NAMES[day] for day in ordered]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
