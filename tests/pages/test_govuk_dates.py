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


@pytest.mark.django_db
def test_the_idle_warning_says_diary_writing_is_kept(alice_client) -> None:
    html = alice_client.get("/account/").content.decode()
    assert "If you are writing in your diary, we keep what you have written" in html
    assert "will be lost" not in html


def test_guide_content_does_not_tell_signed_out_readers_their_answers_are_saved() -> None:
    """Whether an answer is kept is for the page to say, to the person it is true for."""
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[2] / "fixtures" / "guides"
    assert [path.name for path in fixtures.glob("*.toml") if "saved privately" in path.read_text()] == []
