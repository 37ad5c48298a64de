"""The mood-over-time chart: one aggregate query, then an SVG drawn on the server and the same data as a table."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count
from django.utils import timezone

from diary.models import DiaryEntryQuerySet, Mood, mood_label

# The ranges a person can pick: key -> (label, days, or None for all time).
RANGES: dict[str, tuple[str, int | None]] = {
    "30": ("Last 30 days", 30),
    "90": ("Last 90 days", 90),
    "all": ("All time", None),
}
DEFAULT_RANGE = "30"

# Drawing area, in the SVG's own units (it scales to the page's width).
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 150, 24, 20, 52
X_TICKS = 4


@dataclass(frozen=True)
class Period:
    start: datetime.date
    mood: float
    entries: int
    label: str

    @property
    def mood_words(self) -> str:
        return mood_label(self.mood)

    @property
    def mood_average(self) -> str:
        return f"{self.mood:.1f}"


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    # Coordinates as the SVG has them, one decimal place (the template's floatformat filter was a
    # tenth of the page, for hundreds of numbers).
    @property
    def cx(self) -> str:
        return f"{self.x:.1f}"

    @property
    def cy(self) -> str:
        return f"{self.y:.1f}"


@dataclass(frozen=True)
class Tick:
    at: float
    label: str
    anchor: str = "middle"

    @property
    def position(self) -> str:
        return f"{self.at:.1f}"


@dataclass
class MoodChart:
    range_key: str
    range_label: str
    unit: str  # day, week or month
    periods: list[Period]
    title: str
    description: str
    points: list[Point] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def y_label_x(self) -> int:
        return self.left - 10

    @property
    def x_tick_end(self) -> int:
        return self.bottom_edge + 6

    @property
    def x_label_y(self) -> int:
        return self.bottom_edge + 30

    @property
    def line(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)

    @property
    def table_heading(self) -> str:
        return {"day": "Date", "week": "Week starting", "month": "Month"}[self.unit]


def range_start(range_key: str, today: datetime.date) -> datetime.date | None:
    days = RANGES[range_key][1]
    return None if days is None else today - datetime.timedelta(days=days - 1)


def mood_chart(entries: DiaryEntryQuerySet, range_key: str, today: datetime.date | None = None) -> MoodChart:
    """The chart for a person's entries (already scoped to them) over one of RANGES, in one query."""
    today = today or timezone.localdate()
    label, days = RANGES[range_key]
    start = range_start(range_key, today)
    daily = list(
        entries.since(start)
        .order_by()
        .values_list("date")
        .annotate(mood=Avg("mood"), count=Count("pk"))
        .order_by("date")
    )
    first = start or (daily[0][0] if daily else today)
    span = (today - first).days
    unit = "day" if days is not None or span <= 92 else "week" if span <= 731 else "month"
    periods = _group(daily, unit)
    chart = MoodChart(
        range_key=range_key,
        range_label=label,
        unit=unit,
        periods=periods,
        title=f"Your mood: {label.lower()}",
        description=_describe(periods, unit, label),
    )
    _draw(chart, _period_start(first, unit), _period_start(today, unit))
    return chart


def _period_start(day: datetime.date, unit: str) -> datetime.date:
    if unit == "week":
        return day - datetime.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _label(day: datetime.date, unit: str) -> str:
    if unit == "month":
        return f"{day:%B %Y}"
    return f"{day.day} {day:%B %Y}"


def _group(daily: list[tuple[datetime.date, float, int]], unit: str) -> list[Period]:
    """Average mood per period, weighting each day by its number of entries."""
    totals: dict[datetime.date, list[float]] = {}
    for day, mood, count in daily:
        bucket = totals.setdefault(_period_start(day, unit), [0.0, 0])
        bucket[0] += float(mood) * count
        bucket[1] += count
    return [
        Period(start=start, mood=total / count, entries=int(count), label=_label(start, unit))
        for start, (total, count) in totals.items()
    ]


def _describe(periods: list[Period], unit: str, label: str) -> str:
    if not periods:
        return f"No entries in this time ({label.lower()})."
    entries = sum(period.entries for period in periods)
    average = sum(period.mood * period.entries for period in periods) / entries
    best = max(periods, key=lambda period: period.mood)
    lowest = min(periods, key=lambda period: period.mood)
    count = len(periods)
    return (
        f"A line chart of your mood, from Very low to Very good, by {unit}, {label.lower()}. "
        f"{entries} {'entry' if entries == 1 else 'entries'} on {count} {unit}{'' if count == 1 else 's'}, "
        f"from {periods[0].label} to {periods[-1].label}. On average: {mood_label(average)}. "
        f"Highest: {best.mood_words} ({best.label}). Lowest: {lowest.mood_words} ({lowest.label}). "
        f"The table below the chart has the same information."
    )


def _draw(chart: MoodChart, first: datetime.date, last: datetime.date) -> None:
    plot_width = chart.right_edge - chart.left
    plot_height = chart.bottom_edge - TOP
    span = max((last - first).days, 1)

    def x_of(day: datetime.date) -> float:
        return chart.left + plot_width * (day - first).days / span

    def y_of(mood: float) -> float:
        return chart.bottom_edge - plot_height * (mood - 1) / 4

    chart.y_ticks = [Tick(at=y_of(mood.value), label=mood.label) for mood in Mood]
    chart.points = [Point(x_of(period.start), y_of(period.mood)) for period in chart.periods]
    ticks = min(X_TICKS, span + 1)
    days = sorted({round(span * index / max(ticks - 1, 1)) for index in range(ticks)})
    chart.x_ticks = [
        Tick(
            at=x_of(first + datetime.timedelta(days=offset)),
            label=_tick_label(first + datetime.timedelta(days=offset), chart.unit),
            # The last label ends at the right edge rather than running off it.
            anchor="end" if offset == span and offset else "middle",
        )
        for offset in days
    ]


def _tick_label(day: datetime.date, unit: str) -> str:
    if unit == "month":
        return f"{day:%b %Y}"
    if unit == "week":
        return f"{day.day} {day:%b %y}"
    return f"{day.day} {day:%b}"
