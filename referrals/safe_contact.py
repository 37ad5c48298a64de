"""How it is safe to get in touch with someone: the rules, and the summary staff work from.

One place for every form that collects contact details for a person to be contacted: the
caseworker request, the out-of-hours request, a change to either, and the details a chat
supporter takes down for a caseworker referral. A form subclasses
``referrals.forms.SafeContactForm``, or keeps its own fields and calls ``safety_errors()`` from
its ``clean()`` and ``summary_lines()`` to show staff the result.

Safety is asked per way of contact, because each can give a person away differently:
a voicemail can be played back, a text read on a shared phone, an email seen in an inbox.
An unanswered question counts as "not safe": nobody is contacted in a way they did not confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PHONE = "phone"
TEXT = "text"
EMAIL = "email"

# The question that must be answered for each way of contact, and whether "no" rules it out.
# A phone call stays possible when a voicemail is not safe: the caseworker just never leaves one.
QUESTION_FOR_METHOD = {PHONE: "voicemail_safe", TEXT: "text_safe", EMAIL: "email_safe"}
NO_RULES_OUT = {PHONE: False, TEXT: True, EMAIL: True}

REQUIRED_MESSAGES = {
    "voicemail_safe": "Select yes if it is safe for us to leave you a voicemail",
    "text_safe": "Select yes if it is safe for us to send you a text message",
    "email_safe": "Select yes if it is safe for us to email you",
}
REFUSED_MESSAGES = {
    TEXT: (
        "You told us a text message is not safe, so we will not text you. "
        "Choose a phone call or email instead, or change your answer if a text is safe."
    ),
    EMAIL: (
        "You told us an email is not safe, so we will not email you. "
        "Choose a phone call or text message instead, or change your answer if an email is safe."
    ),
}


@dataclass(frozen=True)
class SafeContact:
    """What a person told us about reaching them safely (and, optionally, what they want help with)."""

    method: str
    phone: str
    email: str
    safe_times: list[str]
    safe_times_note: str
    voicemail_safe: bool | None
    text_safe: bool | None
    email_safe: bool | None
    code_word: str
    help_topics: list[str] = field(default_factory=list)
    message: str = ""


def safety_errors(
    *, method: str | None, voicemail_safe: bool | None, text_safe: bool | None, email_safe: bool | None
) -> dict[str, str]:
    """Field name to error message, for the way of contact chosen against the safety answers.

    The question for the chosen way must be answered; a text or an email called unsafe is
    refused (the error goes on the way of contact, where the person can change it).
    """
    if method not in QUESTION_FOR_METHOD:
        return {}
    question = QUESTION_FOR_METHOD[method]
    answer = {"voicemail_safe": voicemail_safe, "text_safe": text_safe, "email_safe": email_safe}[question]
    if answer is None:
        return {question: REQUIRED_MESSAGES[question]}
    if answer is False and NO_RULES_OUT[method]:
        return {"contact_method": REFUSED_MESSAGES[method]}
    return {}


def is_safe_combination(
    *, method: str, voicemail_safe: bool | None, text_safe: bool | None, email_safe: bool | None
) -> bool:
    return not safety_errors(method=method, voicemail_safe=voicemail_safe, text_safe=text_safe, email_safe=email_safe)


def summary_lines(
    *,
    method: str,
    detail: str,
    times: str,
    voicemail_safe: bool | None,
    text_safe: bool | None,
    email_safe: bool | None,
    code_word: str,
) -> list[str]:
    """One unambiguous instruction per line, for the member of staff about to get in touch."""
    how = {PHONE: f"Call {detail}", TEXT: f"Text {detail}", EMAIL: f"Email {detail}"}[method]
    lines = [f"{how}, {times}." if times else f"{how}."]
    if method == PHONE:
        lines.append(
            "If they do not answer, you may leave a voicemail."
            if voicemail_safe
            else "If they do not answer, do not leave a voicemail."
        )
    if method != TEXT:
        lines.append("Texts are safe." if text_safe else "Do not send them a text.")
    if method != EMAIL:
        lines.append("Emails are safe." if email_safe else "Do not email them.")
    if method != PHONE and voicemail_safe is not None:
        lines.append("A voicemail is safe." if voicemail_safe else "Do not leave a voicemail.")
    lines.append(
        f"Say the code word “{code_word}” when you make contact." if code_word else "They did not choose a code word."
    )
    return lines
