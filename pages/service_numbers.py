"""The one list of phone and text numbers the site gives people: each written one way, each a
tap-to-call (or tap-to-text) link wherever it appears.

Templates use ``{% service_number "name" %}``. Guide and rights content, and the partner directory's
phone and text fields, use the placeholder ``[[number:name]]`` (``PLACEHOLDER_HELP`` tells editors),
filled in from this list every time the page is shown, so a number that changes changes everywhere.
A number an editor types directly is turned into its placeholder when the content is saved, if it is
in the list; any other number still becomes a tap-to-call link when shown (``link_numbers_in_html``).
"""

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
        "emergency-text": ServiceNumber("Emergency services by text (register first)", "999", kind="text"),
        "mens-advice-line": ServiceNumber("Men's Advice Line", "0808 801 0327"),
        "rape-crisis": ServiceNumber("Rape Crisis 24/7 Support Line", "0808 500 2222"),
        "stalking-helpline": ServiceNumber("National Stalking Helpline", "0808 802 0300"),
        "report-fraud": ServiceNumber("Report Fraud", "0300 123 2040"),
        "live-fear-free": ServiceNumber("Live Fear Free (Wales)", "0808 80 10 800"),
        "ni-domestic-abuse": ServiceNumber("Domestic and Sexual Abuse Helpline (Northern Ireland)", "0808 802 1414"),
        "scotland-domestic-abuse": ServiceNumber(
            "Domestic Abuse and Forced Marriage Helpline (Scotland)", "0800 027 1234"
        ),
        "crimestoppers": ServiceNumber("Crimestoppers", "0800 555 111"),
        "cica": ServiceNumber("Criminal Injuries Compensation Authority", "0300 003 3601"),
        "acas": ServiceNumber("Acas helpline", "0300 123 1100"),
        "advicelink-cymru": ServiceNumber("Advicelink Cymru (Citizens Advice in Wales)", "0800 702 2020"),
    }


def number_link(key: str) -> SafeString:
    item = service_numbers()[key]
    return format_html('<a class="govuk-link app-tel" href="{}">{}</a>', item.href, item.number)


# --- The placeholder editors type -----------------------------------------------------------------

PLACEHOLDER = re.compile(r"\[\[number:([a-z0-9-]{1,40})\]\]")
PLACEHOLDER_HELP = (
    "For a phone or text number from the site's list, type [[number:name]], for example [[number:samaritans]] "
    "or [[number:domestic-abuse]]: it is shown as a tap-to-call link and stays right when the number changes. "
    "A number from the list typed out in full is changed into its [[number:…]] when you save."
)


def placeholder(key: str) -> str:
    return f"[[number:{key}]]"


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in ``text`` naming no number in the list (a typing slip an editor should hear about)."""
    numbers = service_numbers()
    return [match.group(0) for match in PLACEHOLDER.finditer(text or "") if match.group(1) not in numbers]


def fill_numbers_in_html(html: str) -> str:
    """Each placeholder in (sanitised) HTML as its number's tap-to-call link; an unknown one stays as typed."""
    numbers = service_numbers()
    return PLACEHOLDER.sub(lambda m: number_link(m.group(1)) if m.group(1) in numbers else m.group(0), html)


def fill_numbers_in_text(text: str) -> str:
    """Each placeholder in plain text as its number as written (search snippets, emails, payloads)."""
    numbers = service_numbers()
    return PLACEHOLDER.sub(lambda m: numbers[m.group(1)].number if m.group(1) in numbers else m.group(0), text)


def resolve(value: str) -> ServiceNumber | None:
    """A field holding just a placeholder (the partner directory's phone and text) as its list entry."""
    match = PLACEHOLDER.fullmatch((value or "").strip())
    return service_numbers().get(match.group(1)) if match else None


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


def _digits(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    return "0" + digits[2:] if digits.startswith("44") and len(digits) > 10 else digits


def typed_numbers(text: str) -> list[str]:
    """Every phone or text number written out directly in ``text`` (Markdown or HTML), placeholders aside."""
    text = PLACEHOLDER.sub(" ", text or "")
    found = [m.group(0) for m in _NUMBER.finditer(text)]
    found += [m.group("number") for m in _SHORT_IN_CONTEXT.finditer(text)]
    found += [m.group(1) for m in _BOLD_SHORT.finditer(text)]
    return found


_BOLD_SHORT = re.compile(rf"(?:\*\*|<strong>)({_SHORT})(?:\*\*|</strong>)")


def use_service_numbers(markdown: str) -> tuple[str, list[ServiceNumber]]:
    """Markdown with each number from the list that is typed out turned into its placeholder.

    Numbers not in the list are left as they are. Returns the new text and the entries it now names.
    """
    calls = {_digits(item.number): key for key, item in service_numbers().items() if item.kind == "call"}
    texts = {_digits(item.number): key for key, item in service_numbers().items() if item.kind == "text"}
    used: list[str] = []

    def key_for(number: str, *, is_text: bool) -> str | None:
        digits = _digits(number)
        key = (texts.get(digits) or calls.get(digits)) if is_text else (calls.get(digits) or texts.get(digits))
        if key is not None:
            used.append(key)
        return key

    def long(match: re.Match[str]) -> str:
        key = key_for(match.group(0), is_text=False)
        return placeholder(key) if key else match.group(0)

    def short(match: re.Match[str]) -> str:
        key = key_for(match.group("number"), is_text=match.group("before").strip().lower() == "text")
        return match.group("before") + placeholder(key) if key else match.group(0)

    def bold(match: re.Match[str]) -> str:
        key = key_for(match.group(1), is_text=False)
        return match.group(0).replace(match.group(1), placeholder(key)) if key else match.group(0)

    parts = re.split(r"(\[[^\]]*\]\([^)]*\)|`[^`]*`)", markdown or "")  # links and code are left alone
    for index in range(0, len(parts), 2):
        part = _NUMBER.sub(long, parts[index])
        part = _SHORT_IN_CONTEXT.sub(short, part)
        parts[index] = _BOLD_SHORT.sub(bold, part)
    entries = service_numbers()
    return "".join(parts), [entries[key] for key in dict.fromkeys(used)]


def field_from_the_list(value: str, *, kind: str = "call") -> str:
    """A field that holds one number (the directory's phone or text): its placeholder if it is in the list."""
    digits = _digits(value)
    if not digits or not value.strip().replace(" ", "").lstrip("+").isdigit():
        return value
    matches = [key for key, item in service_numbers().items() if _digits(item.number) == digits]
    matches.sort(key=lambda key: service_numbers()[key].kind != kind)
    return placeholder(matches[0]) if matches else value


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
