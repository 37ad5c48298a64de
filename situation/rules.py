"""The rights timeline: what a person is entitled to, and by when, from the dates they gave.

Each rule starts from one date the person gave and cites where it comes from. Only rules whose
date is known are shown: nothing is guessed. The wording and the time limits are marked in the
README as needing a check by the organisation before going live.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from situation.models import VIOLENT_CRIME_TYPES
from situation.working_days import add_working_days

VICTIMS_CODE = "https://www.gov.uk/government/publications/the-code-of-practice-for-victims-of-crime"
CICS = "https://www.gov.uk/government/publications/criminal-injuries-compensation-scheme-2012"
CPS_RIGHT_TO_REVIEW = "https://www.cps.gov.uk/legal-guidance/victims-right-review-guidance"
GOING_TO_COURT = "https://www.gov.uk/going-to-court-victim-witness"


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same date ``years`` later; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    starts_from: str  # a CaseDates field
    explanation: str
    source: str
    source_url: str
    rights_page: str  # the slug of the rights page that explains more
    deadline: Callable[[datetime.date], datetime.date] | None = None
    deadline_words: str = ""  # before the deadline's date: "The police should tell you by"
    # For the person's own deadlines only: how many days before to remind them, if they asked.
    remind_days_before: int | None = None
    # Shown only to people who might be covered (None: everyone with the date).
    crime_types: frozenset[str] | None = None


RULES: list[Rule] = [
    Rule(
        key="written-confirmation",
        title="Written confirmation of your report",
        starts_from="reported_on",
        explanation=(
            "When you report a crime, the police should give you written confirmation. It should include a crime "
            "reference number and a way to contact the people dealing with your case. If you did not get one, "
            "you can ask for it."
        ),
        source="Victims' Code, Right 3",
        source_url=VICTIMS_CODE,
        rights_page="victims-code",
    ),
    Rule(
        key="support-referral",
        title="Being put in touch with support",
        starts_from="reported_on",
        explanation=(
            "The police should ask what support you need. If you agree, they should pass your details to a "
            "support service within 2 working days of your report. You can also contact a support service "
            "yourself at any time."
        ),
        source="Victims' Code, Right 4",
        source_url=VICTIMS_CODE,
        rights_page="victims-code",
        deadline=lambda day: add_working_days(day, 2),
        deadline_words="The police should pass on your details by",
    ),
    Rule(
        key="victim-personal-statement",
        title="Saying how the crime has affected you",
        starts_from="reported_on",
        explanation=(
            "You have the right to make a Victim Personal Statement. It tells the court, in your own words, how "
            "the crime has affected you. You can make one or add to it at any time before the person is "
            "sentenced. Ask the police officer dealing with your case."
        ),
        source="Victims' Code, Right 7",
        source_url=VICTIMS_CODE,
        rights_page="victims-code",
    ),
    Rule(
        key="told-about-charge",
        title="Being told about a charge",
        starts_from="charged_on",
        explanation=(
            "When someone is charged, the police should tell you within 5 working days. If you are a victim of "
            "one of the most serious crimes, or you are vulnerable or intimidated, it should be within 1 working "
            "day. If you were told later than this, you can complain."
        ),
        source="Victims' Code, Right 6",
        source_url=VICTIMS_CODE,
        rights_page="victims-code",
        deadline=lambda day: add_working_days(day, 5),
        deadline_words="You should be told by",
    ),
    Rule(
        key="right-to-review",
        title="Asking for the decision to be looked at again",
        starts_from="not_charged_on",
        explanation=(
            "If the Crown Prosecution Service decided not to charge someone, or to stop a case, you can ask for "
            "the decision to be reviewed. This is called the Victims' Right to Review. It is best to ask within "
            "10 working days of being told. A later request may still be looked at, up to 3 months after. The "
            "police have a similar scheme for their own decisions."
        ),
        source="Victims' Code, Right 6, and the CPS Victims' Right to Review guidance",
        source_url=CPS_RIGHT_TO_REVIEW,
        rights_page="justice-system",
        deadline=lambda day: add_working_days(day, 10),
        deadline_words="Ask for a review by",
        remind_days_before=4,
    ),
    Rule(
        key="compensation-claim",
        title="Claiming compensation for a violent crime",
        starts_from="happened_on",
        explanation=(
            "If you were hurt by a violent crime, physically or mentally, you may be able to claim from the "
            "Criminal Injuries Compensation Scheme. You should apply as soon as you can, and within 2 years of "
            "the crime. Different limits apply if you were under 18 at the time, and late claims can sometimes "
            "be accepted. Applying is free."
        ),
        source="Criminal Injuries Compensation Scheme 2012, paragraphs 87 to 89",
        source_url=CICS,
        rights_page="criminal-injuries-compensation",
        deadline=lambda day: add_years(day, 2),
        deadline_words="Apply by",
        remind_days_before=30,
        crime_types=VIOLENT_CRIME_TYPES,
    ),
    Rule(
        key="court-preparation",
        title="Getting ready for court",
        starts_from="court_on",
        explanation=(
            "If you are going to give evidence, you should be told what will happen. You can ask the Witness "
            "Service for free help, including a visit to the court beforehand. You can ask about special "
            "measures, such as a screen or a video link. It helps to ask early."
        ),
        source="Victims' Code, Right 8",
        source_url=GOING_TO_COURT,
        rights_page="justice-system",
        deadline=lambda day: day,
        deadline_words="Your court date is",
        remind_days_before=7,
    ),
    Rule(
        key="witness-expenses",
        title="Claiming your expenses for going to court",
        starts_from="court_on",
        explanation=(
            "If you go to court as a witness, you can claim some costs, such as travel, meals and lost earnings. "
            "Ask the Witness Care Unit or the Witness Service for the form on the day. Claims should be made "
            "within 1 month of going to court."
        ),
        source="Victims' Code, Right 10, and the CPS witness expenses rules",
        source_url=GOING_TO_COURT,
        rights_page="justice-system",
        deadline=lambda day: add_months(day, 1),
        deadline_words="Claim your expenses by",
        remind_days_before=7,
    ),
    Rule(
        key="told-about-outcome",
        title="Being told the outcome",
        starts_from="sentenced_on",
        explanation=(
            "You should be told the outcome of the case, including the sentence, and given a short explanation "
            "if you ask. The Witness Care Unit should tell you within 5 working days of hearing from the court, "
            "or within 1 working day if you get extra help under the Code."
        ),
        source="Victims' Code, Right 9",
        source_url=VICTIMS_CODE,
        rights_page="victims-code",
        deadline=lambda day: add_working_days(day, 5),
        deadline_words="You should be told by",
    ),
    Rule(
        key="victim-contact-scheme",
        title="Hearing about the offender's release",
        starts_from="sentenced_on",
        explanation=(
            "If the person was sentenced to 12 months or more for a violent or sexual offence, you can join the "
            "Probation Service's Victim Contact Scheme. It can keep you informed and let you have a say about "
            "the conditions of their release. The police or the Witness Care Unit should tell you about it."
        ),
        source="Victims' Code, Right 11",
        source_url=VICTIMS_CODE,
        rights_page="victims-code",
    ),
]

RULES_BY_KEY = {rule.key: rule for rule in RULES}


class Status:
    UPCOMING = "upcoming"
    TODAY = "today"
    PASSED = "passed"
    NO_DEADLINE = "no-deadline"


@dataclass(frozen=True)
class Entitlement:
    rule: Rule
    from_date: datetime.date
    deadline: datetime.date | None
    status: str

    @property
    def remind_on(self) -> datetime.date | None:
        if self.deadline is None or self.rule.remind_days_before is None:
            return None
        return self.deadline - datetime.timedelta(days=self.rule.remind_days_before)


def status_on(deadline: datetime.date | None, today: datetime.date) -> str:
    if deadline is None:
        return Status.NO_DEADLINE
    if today < deadline:
        return Status.UPCOMING
    return Status.TODAY if today == deadline else Status.PASSED


def entitlements(*, dates: dict[str, datetime.date], crime_types: list[str], today: datetime.date) -> list[Entitlement]:
    """The rules that follow from ``dates``, in date order (the rule's own deadline, or its start)."""
    found = []
    for rule in RULES:
        start = dates.get(rule.starts_from)
        if start is None:
            continue
        if rule.crime_types is not None and crime_types and not set(crime_types) & rule.crime_types:
            continue
        deadline = rule.deadline(start) if rule.deadline else None
        found.append(Entitlement(rule=rule, from_date=start, deadline=deadline, status=status_on(deadline, today)))
    return sorted(found, key=lambda item: (item.deadline or item.from_date, RULES.index(item.rule)))
