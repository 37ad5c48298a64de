"""The one list of phone and text numbers the site gives people: each written one way, each a
tap-to-call (or tap-to-text) link wherever it appears. Templates use ``{% service_number "name" %}``;
guide and rights content gets its numbers linked by the ``link_phone_numbers`` filter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class ServiceNumber:
    name: str
    number: str
    # "call" (tel:) or "text" (sms:).
    kind: str = "call"

    @property
    def href(self) -> str:
        digits = "".join(ch for ch in self.number if ch.isdigit() or ch == "+")
        return f"{'sms' if self.kind == 'text' else 'tel'}:{digits}"


def service_numbers() -> dict[str, ServiceNumber]:
    return {
        "emergency": ServiceNumber("Emergency services", "999"),
        "supportline": ServiceNumber("Victim Support Supportline", settings.SUPPORTLINE_NUMBER),
        "samaritans": ServiceNumber("Samaritans", "116 123"),
        "domestic-abuse": ServiceNumber("National Domestic Abuse Helpline", "0808 2000 247"),
        "childline": ServiceNumber("Childline", "0800 1111"),
        "the-mix": ServiceNumber("The Mix", "0808 808 4994"),
        "police": ServiceNumber("Police, when it is not an emergency", "101"),
        "nhs": ServiceNumber("NHS 111", "111"),
        "relay-uk": ServiceNumber("Relay UK", "18000"),
        "shout": ServiceNumber("Shout", "85258", kind="text"),
        "ico": ServiceNumber("Information Commissioner's Office", "0303 123 1113"),
    }


def number_link(key: str) -> SafeString:
    item = service_numbers()[key]
    return format_html('<a class="govuk-link app-tel" href="{}">{}</a>', item.href, item.number)


# UK numbers as content writes them: 0 and 9-10 digits in groups, 116 xxx, and the short codes people
# dial (999, 101, 111, 18000). Short codes only count as numbers beside call/text/dial/phone words
# or in bold, so "101 ways" or "in 111 days" stay text.
_LONG = r"(?:\+44\s?|0)\d(?:[\s]?\d){8,9}|116\s?\d{3}"
_SHORT = r"999|101|111|18000|85258"
_NUMBER = re.compile(rf"(?<![\w/.:=-])(?:{_LONG})(?!\w|\.\w)")
_SHORT_IN_CONTEXT = re.compile(
    rf"(?P<before>\b(?:call|dial|phone|ring|text|on|NHS)\s+)(?P<number>{_SHORT})(?!\w|\.\w)", re.IGNORECASE
)
_TAG_OR_TEXT = re.compile(r"(<a\b.*?</a>|<[^>]+>)", re.IGNORECASE | re.DOTALL)


def _href(number: str, *, text: bool = False) -> str:
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return f"{'sms' if text else 'tel'}:{digits}"


def link_numbers_in_html(html: str) -> str:
    """Wrap each phone number in (already sanitised) HTML in a tap-to-call link; existing links are left alone."""
    parts = _TAG_OR_TEXT.split(html)
    out = []
    for part in parts:
        if part.startswith("<"):
            out.append(part)
            continue
        out.append(_link_text(part))
    # Short codes in bold sit across a tag boundary ("<strong>999</strong>"): handled on the joined string.
    joined = "".join(out)
    return re.sub(
        rf"<strong>({_SHORT})</strong>",
        lambda m: (
            f'<strong><a class="govuk-link app-tel" href="{_href(m.group(1), text=m.group(1) == "85258")}">{m.group(1)}</a></strong>'
        ),
        joined,
    )


def _link_text(text: str) -> str:
    text = _NUMBER.sub(lambda m: f'<a class="govuk-link app-tel" href="{_href(m.group(0))}">{m.group(0)}</a>', text)

    def short(match: re.Match[str]) -> str:
        number = match.group("number")
        is_text = number == "85258" or match.group("before").strip().lower() == "text"
        return f'{match.group("before")}<a class="govuk-link app-tel" href="{_href(number, text=is_text)}">{number}</a>'

    return _SHORT_IN_CONTEXT.sub(short, text)
