from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from diary import drafts
from diary.models import DiaryEntry

register = template.Library()


@register.inclusion_tag("diary/_panel.html", takes_context=True)
def diary_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The diary's panel on the person's home page, with a way back to writing kept after a sign-out."""
    request = context["request"]
    return {"kept": drafts.find(request)}


@register.simple_tag
def entry_items(entries: Iterable[DiaryEntry]) -> SafeString:
    """The list's entries, each a heading link with its date, the mood, the feelings and the start of the text.

    Drawn here rather than by a template loop, whose dozen lookups an entry were a third of the page.
    Every value from the entry is escaped (Python's ``html.escape``, which Django's ``escape`` wraps). Dates are in English as everywhere on the site
    (spelled out here, never taken from the process's locale).
    """
    items = []
    for entry in entries:
        feelings = (
            f' <span class="app-diary-entries__feelings">Feelings: {escape(", ".join(entry.feelings))}</span>'
            if entry.feelings
            else ""
        )
        text = f'\n  <p class="govuk-body app-diary-entries__text">{escape(entry.preview)}</p>' if entry.text else ""
        items.append(
            '<li class="app-diary-entries__item">\n'
            f'  <h3 class="govuk-heading-s govuk-!-margin-bottom-1"><a class="govuk-link" href="{escape(entry.get_absolute_url())}">'
            f"{_long_date(entry.date)}</a></h3>\n"
            f'  <p class="govuk-body govuk-!-margin-bottom-1">Mood: <strong class="govuk-tag {escape(entry.mood_tag_class)}">'
            f"{escape(entry.mood_label)}</strong>{feelings}</p>{text}\n"
            "</li>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value in it escaped


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _long_date(day: Any) -> str:
    """ "Monday 2 March 2026", as the ``date:"l j F Y"`` filter gives it in English, without its per-letter work."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"
