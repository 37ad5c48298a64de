"""Every timeline rule, with its dates at the edges: the day before its deadline, the day itself, the day after."""

from __future__ import annotations

import datetime

import pytest

from situation import rules
from situation.working_days import add_working_days, bank_holidays, easter_sunday, is_working_day

D = datetime.date


def _only(key: str, dates: dict[str, datetime.date], today: datetime.date, crime_types: list[str] | None = None):
    found = [item for item in rules.entitlements(dates=dates, crime_types=crime_types or [], today=today)]
    matching = [item for item in found if item.rule.key == key]
    assert len(matching) == 1, [item.rule.key for item in found]
    return matching[0]


# (rule, the date it starts from, that date, its deadline)
DEADLINES = [
    # Reported on Thursday 2 April 2026: Good Friday and Easter Monday are not working days.
    ("support-referral", "reported_on", D(2026, 4, 2), D(2026, 4, 8)),
    # Charged on Friday 20 March 2026: five working days is the next Friday.
    ("told-about-charge", "charged_on", D(2026, 3, 20), D(2026, 3, 27)),
    # Told on Wednesday 17 December 2025: Christmas Day, Boxing Day and New Year's Day do not count.
    ("right-to-review", "not_charged_on", D(2025, 12, 17), D(2026, 1, 5)),
    ("compensation-claim", "happened_on", D(2025, 6, 14), D(2027, 6, 14)),
    ("compensation-claim", "happened_on", D(2024, 2, 29), D(2026, 2, 28)),
    ("court-preparation", "court_on", D(2026, 9, 1), D(2026, 9, 1)),
    ("witness-expenses", "court_on", D(2026, 1, 31), D(2026, 2, 28)),
    ("told-about-outcome", "sentenced_on", D(2026, 5, 1), D(2026, 5, 11)),
]


@pytest.mark.parametrize(("key", "field", "start", "deadline"), DEADLINES)
def test_each_deadline_is_counted_from_the_persons_date(key: str, field: str, start, deadline) -> None:
    assert _only(key, {field: start}, today=start).deadline == deadline


@pytest.mark.parametrize(("key", "field", "start", "deadline"), DEADLINES)
def test_each_deadline_is_coming_up_the_day_before_today_on_the_day_and_passed_the_day_after(
    key: str, field: str, start, deadline
) -> None:
    one_day = datetime.timedelta(days=1)
    assert _only(key, {field: start}, today=deadline - one_day).status == rules.Status.UPCOMING
    assert _only(key, {field: start}, today=deadline).status == rules.Status.TODAY
    assert _only(key, {field: start}, today=deadline + one_day).status == rules.Status.PASSED


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("written-confirmation", "reported_on"),
        ("victim-personal-statement", "reported_on"),
        ("victim-contact-scheme", "sentenced_on"),
    ],
)
def test_rights_without_a_deadline_show_from_their_date(key: str, field: str) -> None:
    item = _only(key, {field: D(2026, 3, 2)}, today=D(2026, 3, 1))
    assert item.deadline is None
    assert item.status == rules.Status.NO_DEADLINE
    assert item.from_date == D(2026, 3, 2)


def test_only_rules_that_follow_from_the_dates_given_are_shown() -> None:
    assert rules.entitlements(dates={}, crime_types=[], today=D(2026, 3, 1)) == []
    shown = {
        item.rule.key
        for item in rules.entitlements(dates={"court_on": D(2026, 6, 1)}, crime_types=[], today=D(2026, 3, 1))
    }
    assert shown == {"court-preparation", "witness-expenses"}


def test_compensation_is_shown_only_to_people_who_may_have_been_hurt_by_violence() -> None:
    dates = {"happened_on": D(2026, 1, 10)}
    today = D(2026, 3, 1)

    def keys(crime_types: list[str]) -> set[str]:
        return {item.rule.key for item in rules.entitlements(dates=dates, crime_types=crime_types, today=today)}

    assert "compensation-claim" in keys([])  # not said: shown, in case
    assert "compensation-claim" in keys(["assault"])
    assert "compensation-claim" in keys(["burglary", "assault"])
    assert "compensation-claim" not in keys(["burglary"])
    assert "compensation-claim" not in keys(["fraud"])


def test_the_timeline_is_in_date_order() -> None:
    found = rules.entitlements(
        dates={"happened_on": D(2026, 1, 10), "reported_on": D(2026, 1, 12), "court_on": D(2026, 5, 5)},
        crime_types=[],
        today=D(2026, 3, 1),
    )
    order = [item.deadline or item.from_date for item in found]
    assert order == sorted(order)
    assert found[-1].rule.key == "compensation-claim"


def test_every_rule_cites_a_source_and_a_rights_page() -> None:
    for rule in rules.RULES:
        assert rule.source and rule.source_url.startswith("https://")
        assert rule.rights_page in {"victims-code", "criminal-injuries-compensation", "justice-system"}
        assert (rule.deadline is None) == (rule.deadline_words == "")


def test_reminders_are_only_for_deadlines_the_person_acts_on() -> None:
    assert {rule.key for rule in rules.RULES if rule.remind_days_before} == {
        "right-to-review",
        "compensation-claim",
        "court-preparation",
        "witness-expenses",
    }


# --- Working days --------------------------------------------------------------------------------


def test_easter_is_worked_out_for_any_year() -> None:
    assert easter_sunday(2024) == D(2024, 3, 31)
    assert easter_sunday(2025) == D(2025, 4, 20)
    assert easter_sunday(2026) == D(2026, 4, 5)
    assert easter_sunday(2027) == D(2027, 3, 28)


def test_bank_holidays_match_the_published_list_for_2026_and_2027() -> None:
    # From GOV.UK's list of bank holidays in England and Wales.
    assert sorted(bank_holidays(2026)) == [
        D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4),
        D(2026, 5, 25), D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28),
    ]  # fmt: skip
    assert sorted(bank_holidays(2027)) == [
        D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3),
        D(2027, 5, 31), D(2027, 8, 30), D(2027, 12, 27), D(2027, 12, 28),
    ]  # fmt: skip


def test_one_off_bank_holidays_count() -> None:
    assert not is_working_day(D(2023, 5, 8))  # the coronation
    assert not is_working_day(D(2022, 9, 19))  # the state funeral
    assert is_working_day(D(2022, 5, 30))  # the spring holiday that year moved to 2 June


def test_working_days_skip_weekends() -> None:
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday to Monday
    assert add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)  # Saturday to Monday
