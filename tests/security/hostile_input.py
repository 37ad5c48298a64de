"""Finding every form on the site and sending it hostile input, for tests/security/test_form_fuzz.py.

Nothing here is a list of forms. The URLconf is walked, each page is opened as someone who may
use it, and the forms are read from the HTML the page sends (the names of its inputs, selects,
textareas and named buttons), as are the links back to the same page that carry a query string.
A form that exists on a page is therefore fuzzed the moment it exists.
"""

from __future__ import annotations

import copy
import functools
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import PASSWORD

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "xss-corpus"
# Lists of ingredients rather than payloads (see the corpus README).
NOT_PAYLOADS = {
    "0xcela_event_handlers.txt",
    "port_swigger_xss_cheatsheet_event_handlers.txt",
    "jsonp_endpoint.txt",
    "xss_swf_fuzz.txt",
}

# Longer than any limit on the site (the editors' 50,000-character Markdown bodies included), in a
# pattern that shows up in any SQL that records it; a trace of 1,100 characters of it is enough to
# report a value kept whole.
OVERSIZED = "oversized-" * 10_001
OVERSIZED_TRACE = "oversized-" * 110
HUGE_NUMBER = "9" * 40
NUMBERS_BEYOND_COLUMNS = ["2147483648", "9223372036854775808", "-9223372036854775809", "1e400"]
HUGE_IDS = [2**63, 10**30]
# Raw bytes as a badly behaved client sends them: invalid UTF-8, an encoded lone surrogate, an
# overlong encoding of "/", and a NUL.
BAD_BYTES = b"%FF%FE%ED%A0%80%C0%AF%00\xff\xfe"
CHOICE_KINDS = {"radio", "checkbox", "select", "select-multiple"}
BUTTON_KINDS = {"submit", "button", "image", "reset"}
# A refused request may still write these: the session, the record of a wrong password (a keyed
# hash, never the address typed), and the throttle on a device after a wrong code. Nothing else.
WRITES_ALLOWED_ON_REFUSAL = {
    "django_session",
    "accounts_signinfailure",
    # Showing a chat again after a refused post is a view of its transcript, and every view is audited.
    "chat_auditentry",
    # The passkey package gives a person a random handle the first time a passkey form is shown.
    "django_otp_webauthn_webauthnuserhandle",
    "otp_totp_totpdevice",
    "accounts_backupcodedevice",
}
_WRITE = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


# --- The site, as its URLconf describes it -----------------------------------------------------


def url_patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    """Every named URL pattern, with its namespaced name."""
    resolver = resolver or get_resolver()
    found: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += url_patterns(entry, inner)
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def int_kwargs(pattern: URLPattern) -> set[str]:
    converters = getattr(pattern.pattern, "converters", {})
    return {name for name, converter in converters.items() if type(converter).__name__ == "IntConverter"}


def text_kwargs(pattern: URLPattern) -> set[str]:
    """Keyword arguments that take free text (str, path or a regular expression group), not numbers or slugs."""
    converters = getattr(pattern.pattern, "converters", {})
    names = set(pattern.pattern.regex.groupindex)
    return {
        name
        for name in names
        if type(converters.get(name)).__name__ not in {"IntConverter", "SlugConverter", "UUIDConverter"}
    }


_READ_DIRECTLY = re.compile(r"""request\.(GET|POST)(?:\.get|\.getlist)?[(\[]["'](\w+)["']""")


@functools.cache
def read_directly(method: str) -> frozenset[str]:
    """Parameters the project's views read straight from request.GET or request.POST, not through a form.

    Found in the source, like the forms are found in the pages: ?next= on the sign-in page or
    keep_only on the diary's forms are on no form, but a client can send them all the same.
    """
    root = Path(settings.BASE_DIR).resolve()
    names = {"next"} if method == "get" else set()  # Django's and allauth's redirect field, read in the packages
    for config in django_apps.get_app_configs():
        folder = Path(config.path).resolve()
        if folder.parent != root:
            continue
        for source in folder.rglob("*.py"):
            names |= {name for verb, name in _READ_DIRECTLY.findall(source.read_text()) if verb == method.upper()}
    return frozenset(names)


# --- Forms, as the browser sees them ----------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str
    options: list[str] = field(default_factory=list)  # choices; for other kinds, the value the page filled in
    chosen: list[str] = field(default_factory=list)  # what the page ticked or selected
    required: bool = False


@dataclass
class Form:
    context: str
    page: str
    method: str
    action: str
    fields: dict[str, Field]

    @property
    def key(self) -> tuple[str, str, str, tuple[str, ...]]:
        return (self.context, self.method, self.action, tuple(sorted(self.fields)))

    def describe(self) -> str:
        return f"{self.method.upper()} {self.action} (form on {self.page}, as {self.context})"


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, dict[str, Field]]] = []
        self.links: list[str] = []
        self._form: dict[str, Field] | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def _add(self, name: str, kind: str, value: str | None, chosen: bool, required: bool = False) -> Field | None:
        if self._form is None or not name:
            return None
        item = self._form.setdefault(name, Field(name=name, kind=kind))
        item.required = item.required or required
        if value is not None and value not in item.options:
            item.options.append(value)
        if chosen and value is not None:
            item.chosen.append(value)
        return item

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {}
            self.forms.append((a.get("method", "get").lower() or "get", a.get("action", ""), self._form))
        elif tag == "input":
            kind = a.get("type", "text").lower()
            chosen = "checked" in a if kind in {"radio", "checkbox"} else True
            value = a.get("value", "on" if kind in {"radio", "checkbox"} else "")
            self._add(a.get("name", ""), kind, value, chosen, "required" in a)
        elif tag == "button":
            self._add(a.get("name", ""), "submit", a.get("value", ""), False)
        elif tag == "select":
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = self._add(a.get("name", ""), kind, None, False, "required" in a)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.chosen.append(value)
        elif tag == "textarea":
            self._textarea = self._add(a.get("name", ""), "textarea", None, False, "required" in a)
            if self._textarea is not None:
                self._textarea.options = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.options[0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                self._textarea.options[0] = self._textarea.options[0].removeprefix("\n")
            self._textarea = None


def read_forms(context: str, page: str, html: str) -> list[Form]:
    """The page's forms, and its links to itself with a query string as one GET form more."""
    reader = _FormReader()
    reader.feed(html)
    forms = []
    page_path = urlsplit(page).path
    for method, action, fields in reader.forms:
        target = urlsplit(urljoin(f"http://testserver{page}", action))
        if target.netloc != "testserver":
            continue  # leaves the site (the quick exit)
        path = target.path
        if target.query and method == "post":
            path = f"{path}?{target.query}"
        forms.append(Form(context=context, page=page, method=method, action=path, fields=dict(fields)))
    parameters: dict[str, Field] = {}
    for href in reader.links:
        link = urlsplit(href)
        if link.netloc or (link.path and link.path != page_path) or not link.query:
            continue
        for name, value in parse_qsl(link.query, keep_blank_values=True):
            item = parameters.setdefault(name, Field(name=name, kind="link"))
            if value not in item.options:
                item.options.append(value)
    if parameters:
        forms.append(Form(context=context, page=page, method="get", action=page_path, fields=parameters))
    return forms


# --- What to send -----------------------------------------------------------------------------


def plausible_value(item: Field) -> list[str]:
    """What a person would send: the page's own choice or value, else something ordinary of the right kind.

    Optional free-text boxes stay empty, as most people leave them (and as people leave the
    box that only bots see); typed inputs get a value, since the choices around them may need one.
    """
    if item.kind in BUTTON_KINDS:
        return []  # only sent when that button is pressed
    if item.kind in CHOICE_KINDS or item.kind == "link":
        return item.chosen or [option for option in item.options if option][:1] or item.options[:1]
    if item.options and item.options[0]:
        return item.options[:1]
    name = item.name.lower()
    if item.kind == "password" or "password" in name:
        return [PASSWORD]
    ordinary = {
        "email": "someone@example.org",
        "tel": "07700 900982",
        "date": timezone.localdate().isoformat(),
        "number": "1",
        "url": "https://example.org/",
    }
    if item.kind in ordinary:
        return [ordinary[item.kind]]
    if not item.required:
        return [""]
    if "token" in name or "code" in name:
        return ["123456"]
    if "email" in name or "username" in name:
        return [ordinary["email"]]
    return ["A few ordinary words" if item.kind == "textarea" else "Sam"]


def as_filled_in(form: Form) -> dict[str, list[str]]:
    return {name: plausible_value(item) for name, item in form.fields.items()}


@dataclass
class Case:
    label: str
    data: dict[str, list[str]] | None = None
    raw: bytes | None = None
    content_type: str = ""


def _with(form: Form, **changes: list[str]) -> dict[str, list[str]]:
    return {**as_filled_in(form), **changes}


def typed_fields(form: Form) -> list[str]:
    """The fields a person types into (hidden ones included: a client can type into those too)."""
    return [
        name
        for name, item in form.fields.items()
        if item.kind not in CHOICE_KINDS | BUTTON_KINDS and name != "csrfmiddlewaretoken"
    ]


def counted_fields(form: Form) -> list[str]:
    """The fields most likely to hold a number or an id: hidden ones, number boxes and drop-down lists.

    (Radios and checkboxes offer a fixed set here; out-of-range numbers go to them with the rest.)
    """
    kinds = {"hidden", "number", "select", "select-multiple"}
    return [name for name, item in form.fields.items() if item.kind in kinds and name != "csrfmiddlewaretoken"]


def hostile_cases(form: Form, *, field_by_field: bool = True, multipart: bool = False) -> Iterator[Case]:
    """Oversized values, NUL bytes, numbers out of range and bytes that are not UTF-8.

    Field by field, each typed field is oversized with the rest filled in as a person would, so a
    field with no limit is reached even when its neighbours have one. Otherwise the typed fields
    are oversized together, as many at a time as a request body may hold. The bad bytes go in a
    urlencoded body (what browsers send) or, for ``multipart``, a multipart one.
    """
    filled = as_filled_in(form)
    typed = typed_fields(form)
    if field_by_field:
        yield Case("as a person would fill it in", filled)
        for name in typed:
            yield Case(f"{name} oversized", _with(form, **{name: [OVERSIZED]}))
        for name in counted_fields(form):
            yield Case(f"{name} beyond a 64-bit column", _with(form, **{name: ["9223372036854775808"]}))
    else:
        batch = max(1, settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (len(OVERSIZED) + 1_000))
        for start in range(0, len(typed), batch):
            names = typed[start : start + batch]
            yield Case(f"{', '.join(names)[:80]} oversized", _with(form, **{name: [OVERSIZED] for name in names}))
    yield Case("NUL bytes in every field", {name: [(values or [""])[0] + "\x00"] for name, values in filled.items()})
    direct = sorted(read_directly(form.method) - set(form.fields))
    if direct:
        hostile = [OVERSIZED, "\x00", HUGE_NUMBER, "-1"]
        yield Case(
            f"{', '.join(direct)} (read by the view, on no form) hostile",
            _with(form, **{name: [hostile[index % len(hostile)]] for index, name in enumerate(direct)}),
        )
    numbers = [HUGE_NUMBER, "-1", *NUMBERS_BEYOND_COLUMNS]
    yield Case(
        "numbers out of range in every field",
        {name: [numbers[index % len(numbers)]] for index, name in enumerate(form.fields)},
    )
    names = list(form.fields) or ["field"]
    if multipart and form.method == "post":
        boundary = b"fuzzboundary"
        parts = b"".join(
            b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + quote(name).encode() + b'"\r\n\r\n'
            b"\xff\xfe\xed\xa0\x80\xc0\xaf\x00" + b"\r\n"
            for name in names
        )
        yield Case(
            "invalid UTF-8, lone surrogates and NUL bytes in a multipart body",
            raw=parts + b"--" + boundary + b"--\r\n",
            content_type="multipart/form-data; boundary=fuzzboundary",
        )
    else:
        yield Case(
            "invalid UTF-8, lone surrogates and NUL bytes in the raw body",
            raw=b"&".join(quote(name).encode() + b"=" + BAD_BYTES for name in names) + b"&" + BAD_BYTES + b"=x",
            content_type="application/x-www-form-urlencoded",
        )


def corpus_lines() -> list[str]:
    """Every payload line and Big List of Naughty Strings entry, in a fixed order."""
    lines: set[str] = set()
    for path in sorted((CORPUS / "payloadsallthethings").glob("*.txt")):
        if path.name not in NOT_PAYLOADS:
            lines.update(line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line)
    blns = CORPUS / "blns" / "blns.json"
    if blns.exists():
        lines.update(entry for entry in json.loads(blns.read_text(encoding="utf-8")) if entry)
    return sorted(lines)


def corpus_sample(lines: list[str], size: int) -> list[str]:
    """The same sample on every run with the same corpus, so a failure can be reproduced."""
    return random.Random("form-fuzz").sample(lines, min(size, len(lines)))


def corpus_cases(form: Form, sample: list[str]) -> Iterator[Case]:
    """Each line in one typed field, the others filled in as a person would, going round the fields."""
    names = typed_fields(form) or list(form.fields) or ["q"]
    for index, line in enumerate(sample):
        name = names[index % len(names)]
        yield Case(f"{name} = {line[:60]!r}", _with(form, **{name: [line]}))


# --- Sending, and what must hold ------------------------------------------------------------


@dataclass
class Finding:
    where: str
    case: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where} [{self.case}]: {self.problem}"


def _values(params: Any, *, many: bool) -> Iterator[Any]:
    for row in (params if many else [params]) or []:
        yield from (row.values() if isinstance(row, dict) else row or [])


class WriteRecorder:
    """Notes each table written to, and whether the statement carried an oversized value.

    A database execute wrapper: it sees the statement and its parameters as they go to the
    database, without formatting the SQL as Django's query log does.
    """

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.oversized: set[str] = set()

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        match = _WRITE.match(sql or "")
        if match:
            table = match.group(1).split(".")[-1]
            self.tables.add(table)
            if any(OVERSIZED_TRACE in str(value) for value in _values(params, many=many)):
                self.oversized.add(table)
        return execute(sql, params, many, context)


def send(client: Client, method: str, path: str, case: Case) -> HttpResponse:
    if case.raw is not None:
        if method == "get":
            separator = "&" if "?" in path else "?"
            return client.get(path + separator + case.raw.decode("latin-1"))
        return client.generic("POST", path, case.raw, content_type=case.content_type)
    if method == "get":
        return client.get(path, case.data or {})
    return client.post(path, case.data or {})


def refused(response: HttpResponse) -> bool:
    """The request was turned down: a 4xx, or the form again with its errors (ours, or the admin's)."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return False
    return any(mark in response.content for mark in (b"govuk-error-summary", b'class="errornote"'))


def check(client: Client, method: str, path: str, case: Case, *, where: str) -> list[Finding]:
    """Send one case and report what went wrong; nothing it does is kept.

    Each case runs in a savepoint that is rolled back, with the cache emptied and the browser's
    cookies put back afterwards, so every case meets the same site: no lock-out or rate limit
    earned by the case before, no entry deleted by it.
    """
    cookies = copy.deepcopy(client.cookies)
    cache.clear()
    findings: list[Finding] = []
    with transaction.atomic():
        writes = WriteRecorder()
        with connection.execute_wrapper(writes):
            response = send(client, method, path, case)
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            problem = f"answered {response.status_code}"
            if error:
                problem += f": {error[0].__name__}: {str(error[1])[:300]}"
            findings.append(Finding(where, case.label, problem))
        if refused(response):
            wrote = sorted(writes.tables - WRITES_ALLOWED_ON_REFUSAL)
            if wrote:
                findings.append(Finding(where, case.label, f"refused ({response.status_code}) but wrote to {wrote}"))
        if writes.oversized:
            findings.append(Finding(where, case.label, f"recorded an oversized value in {sorted(writes.oversized)}"))
        transaction.set_rollback(True)
    client.cookies = cookies
    return findings


def visit(client: Client, url: str) -> HttpResponse:
    """Open a page, following redirects within the site, and leave the browser and the site as they were."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.get(url)
        for _ in range(5):
            location = response.get("Location", "")
            if response.status_code not in (301, 302, 303) or not location.startswith("/"):
                break
            response = client.get(location)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def concrete_url(name: str, kwargs: dict[str, Any]) -> str:
    return reverse(name, kwargs=kwargs)
