from __future__ import annotations

import datetime

import pytest
from django.template import engines

from pages.templatetags.govuk_dates import govuk_time

LONDON = datetime.timezone(datetime.timedelta(hours=1))


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [(9, 46, "9:46am"), (21, 5, "9:05pm"), (17, 0, "5pm"), (12, 0, "midday"), (0, 0, "midnight"), (0, 30, "12:30am")],
)
def test_times_read_the_govuk_way(hour: int, minute: int, words: str) -> None:
    assert govuk_time(datetime.time(hour, minute)) == words


def test_a_moment_is_shown_in_uk_time(settings) -> None:
    moment = datetime.datetime(2026, 7, 1, 8, 46, tzinfo=datetime.UTC)  # 9:46am in London (summer time)
    assert engines["django"].from_string("{{ moment|govuk_time }}").render({"moment": moment}) == "9:46am"


def test_no_template_writes_times_with_dots() -> None:
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    offenders = [
        str(path) for path in templates.rglob("*.html") if 'g:ia"' in path.read_text() or ' a"' in path.read_text()
    ]
    assert offenders == []
