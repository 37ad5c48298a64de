"""Working days in England and Wales: Monday to Friday, except bank holidays.

The Victims' Code counts its time limits in working days. Bank holidays follow the usual
pattern, with a weekday "substitute day" when Christmas, Boxing Day or New Year's Day falls at a
weekend. One-off holidays (a coronation, a state funeral) are listed in ``EXTRA_HOLIDAYS``.
"""

from __future__ import annotations

import datetime
from functools import cache

# One-off bank holidays, and the years a usual one was moved (that year's usual date is left out).
EXTRA_HOLIDAYS = frozenset({datetime.date(2022, 6, 3), datetime.date(2022, 9, 19), datetime.date(2023, 5, 8)})
MOVED_HOLIDAYS = {datetime.date(2022, 5, 30): datetime.date(2022, 6, 2)}


def easter_sunday(year: int) -> datetime.date:
    """The Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * el) // 433
    month = (h + el - 7 * m + 90) // 25
    day = (h + el - 7 * m + 33 * month + 19) % 32
    return datetime.date(year, month, day)


def _first_monday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = following - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=last.weekday())


@cache
def bank_holidays(year: int) -> frozenset[datetime.date]:
    easter = easter_sunday(year)
    days = {
        easter - datetime.timedelta(days=2),  # Good Friday
        easter + datetime.timedelta(days=1),  # Easter Monday
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    # New Year's Day moves to the Monday after a weekend.
    new_year = datetime.date(year, 1, 1)
    days.add(new_year + datetime.timedelta(days=(7 - new_year.weekday()) % 7 if new_year.weekday() >= 5 else 0))
    # Christmas and Boxing Day: a day that falls at a weekend moves to the next free weekday.
    taken: set[datetime.date] = set()
    for day in (datetime.date(year, 12, 25), datetime.date(year, 12, 26)):
        moved = day
        while moved.weekday() >= 5 or moved in taken:
            moved += datetime.timedelta(days=1)
        taken.add(moved)
    days |= taken
    for usual, instead in MOVED_HOLIDAYS.items():
        if usual in days:
            days.discard(usual)
            days.add(instead)
    return frozenset(days | {day for day in EXTRA_HOLIDAYS if day.year == year})


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The date ``count`` working days after ``start`` (``start`` itself does not count)."""
    day = start
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
