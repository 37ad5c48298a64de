from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html
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
    Every value is escaped by ``format_html``. Dates are in English as everywhere on the site
    (spelled out here, never taken from the process's locale).
    """
    items = []
    for entry in entries:
        feelings = (
            format_html(' <span class="app-diary-entries__feelings">Feelings: {}</span>', ", ".join(entry.feelings))
            if entry.feelings
            else ""
        )
        text = (
            format_html('\n  <p class="govuk-body app-diary-entries__text">{}</p>', entry.preview) if entry.text else ""
        )
        items.append(
            format_html(
                '<li class="app-diary-entries__item">\n'
                '  <h3 class="govuk-heading-s govuk-!-margin-bottom-1"><a class="govuk-link" href="{}">{}</a></h3>\n'
                '  <p class="govuk-body govuk-!-margin-bottom-1">Mood: <strong class="govuk-tag {}">{}</strong>{}</p>{}\n'
                "</li>",
                entry.get_absolute_url(),
                _long_date(entry.date),
                entry.mood_tag_class,
                entry.mood_label,
                feelings,
                text,
            )
        )
    return mark_safe("\n".join(items))  # noqa: S308 - each item built by format_html


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _long_date(day: Any) -> str:
    """ "Monday 2 March 2026", as the ``date:"l j F Y"`` filter gives it in English, without its per-letter work."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"
