"""Guides in a real Chromium: the resume journey, accessibility, hostile content, the timer, small screens and no JavaScript."""

from __future__ import annotations

import base64
import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.files.base import ContentFile
from playwright.sync_api import Browser, Page, expect

from guides.models import ActivityAnswer, GuideProgress, Step
from guides.services import load_shipped_content
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, current_code, make_user, signed_in_client
from tests.guides.factories import add_step, make_activity_guide, make_guide, make_rights_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "xss-corpus"


def _sign_in(page: Page, server_url: str, user: Any, *, at: float) -> None:
    page.goto(f"{server_url}/account/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(current_code(user, at=at))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Your space")


def _signed_in(page: Page, server_url: str, user: Any) -> Page:
    cookie = signed_in_client(user).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": server_url}])
    return page


def test_start_answer_leave_and_continue_at_the_same_step_after_signing_in_again(
    browser: Browser, server_url: str, axe: Axe
) -> None:
    make_activity_guide(title="Noticing feelings")
    alice = make_user("alice@example.org")

    first = browser.new_context()
    page = first.new_page()
    _sign_in(page, server_url, alice, at=time.time())
    page.get_by_role("link", name="Guides", exact=True).click()
    page.get_by_role("link", name="Feeling safer").click()
    page.get_by_role("link", name="Noticing feelings").click()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Step 1 of 6")).to_be_visible()
    page.get_by_role("button", name="Next step").click()

    expect(page.locator("h1")).to_have_text("Write it down")
    assert_accessible(axe, page)
    page.get_by_label("What is on your mind?").fill("I keep checking the door at night.")
    page.keyboard.press("Tab")  # from the answer to "Next step", as someone using a keyboard would
    expect(page.get_by_role("button", name="Next step")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("What you have noticed")
    page.get_by_label("Feeling on edge").check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your place is saved")).to_be_visible()
    first.close()

    second = browser.new_context()  # a different browser: nothing carried over but the account
    page = second.new_page()
    _sign_in(page, server_url, alice, at=time.time() + 30)  # the app's next code
    panel = page.locator(".app-guides-panel")
    expect(panel.get_by_role("heading", name="Continue where you left off")).to_be_visible()
    expect(panel.get_by_text("Step 3 of 6")).to_be_visible()
    assert_accessible(axe, page)
    panel.get_by_role("link", name="Noticing feelings").click()

    assert page.url.endswith("/guides/noticing-feelings/steps/3/")
    expect(page.locator("h1")).to_have_text("What you have noticed")
    expect(page.get_by_label("Feeling on edge")).to_be_checked()
    expect(page.get_by_label("Poor sleep")).not_to_be_checked()
    page.get_by_role("button", name="Previous step").click()
    expect(page.get_by_label("What is on your mind?")).to_have_value("I keep checking the door at night.")
    second.close()


@pytest.fixture
def shipped_content() -> None:
    load_shipped_content(fixtures_dir=Path(settings.BASE_DIR) / "fixtures", stdout=io.StringIO())


PUBLIC_PAGES = [
    "/guides/",
    "/guides/topics/stalking-and-harassment/",
    "/guides/understanding-stalking/",
    "/guides/understanding-stalking/steps/1/",
    "/guides/understanding-stalking/steps/3/",
    "/guides/understanding-stalking/steps/4/",
    "/guides/understanding-stalking/steps/5/",
    "/guides/coping-anxiety/steps/2/",
    "/guides/search/?q=breathing",
    "/guides/search/?q=zzzz",
    "/rights/",
    "/rights/victims-code/",
    "/rights/criminal-injuries-compensation/",
    "/rights/justice-system/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_guide_and_rights_pages_have_no_accessibility_violations(
    page: Page, server_url: str, axe: Axe, shipped_content: None, path: str
) -> None:
    page.goto(f"{server_url}{path}")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(axe, page)


SIGNED_IN_PAGES = [
    "/account/",
    "/guides/things-that-help-me/",
    "/guides/understanding-stalking/steps/3/",  # rating
    "/guides/coping-anxiety/steps/2/",  # checklist
    "/guides/coping-sleep/steps/4/",  # text
    "/guides/coping-sleep/",
    "/guides/stalking-record-and-safety/",  # members only
]


def test_signed_in_pages_have_no_accessibility_violations(
    page: Page, server_url: str, axe: Axe, shipped_content: None
) -> None:
    alice = make_user("alice@example.org")
    _signed_in(page, server_url, alice)
    page.goto(f"{server_url}/guides/understanding-stalking/steps/4/")
    page.get_by_role("button", name="Save to things that help me").click()
    page.goto(f"{server_url}/guides/understanding-stalking/steps/2/")
    page.get_by_role("button", name="Save and come back later").click()
    for path in SIGNED_IN_PAGES:
        page.goto(f"{server_url}{path}")
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(axe, page)


def test_a_too_long_answer_shows_an_error_summary_that_leads_to_the_field(
    page: Page, server_url: str, axe: Axe
) -> None:
    make_activity_guide()
    _signed_in(page, server_url, make_user("alice@example.org"))
    page.goto(f"{server_url}/guides/noticing-feelings/steps/2/")
    answer = page.get_by_label("What is on your mind?")
    assert answer.get_attribute("maxlength") == "5000"  # the browser stops people first; the server checks anyway
    answer.evaluate("element => element.removeAttribute('maxlength')")
    answer.fill("x" * 5001)
    page.get_by_role("button", name="Next step").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Your answer must be 5000 characters or fewer.")
    assert page.title().startswith("Error: ")
    assert_accessible(axe, page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("What is on your mind?")).to_be_focused()
    assert not ActivityAnswer.objects.exists()


def test_the_timer_counts_down_with_javascript(page: Page, server_url: str, axe: Axe) -> None:
    make_activity_guide()
    page.goto(f"{server_url}/guides/noticing-feelings/steps/5/")
    timer = page.locator(".app-guides-timer")
    expect(timer.get_by_role("timer")).to_have_text("1:30")
    timer.get_by_role("button", name="Start timer").click()
    expect(timer.get_by_role("timer")).to_have_text("1:29", timeout=3000)
    timer.get_by_role("button", name="Pause").click()
    expect(timer.get_by_role("status")).to_have_text("Timer paused.")
    timer.get_by_role("button", name="Reset").click()
    expect(timer.get_by_role("timer")).to_have_text("1:30")
    assert_accessible(axe, page)


def test_without_javascript_the_timer_is_plain_text_and_saving_still_works(
    page_without_js: Page, server_url: str
) -> None:
    guide = make_activity_guide()
    alice = make_user("alice@example.org")
    page = _signed_in(page_without_js, server_url, alice)
    page.goto(f"{server_url}/guides/noticing-feelings/steps/5/")
    expect(page.get_by_text("Try this for about 1 minute and 30 seconds")).to_be_visible()
    expect(page.get_by_role("button", name="Start timer")).to_have_count(0)

    page.goto(f"{server_url}/guides/noticing-feelings/steps/4/")
    page.get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Next step").click()
    expect(page.locator("h1")).to_have_text("Slow breathing")
    assert ActivityAnswer.objects.get(user=alice).answer == 3
    assert GuideProgress.objects.get(user=alice, guide=guide).current_step.title == "Slow breathing"


@pytest.mark.parametrize(
    "path",
    [
        "/guides/",
        "/guides/topics/stalking-and-harassment/",
        "/guides/understanding-stalking/steps/3/",
        "/rights/victims-code/",
    ],
)
def test_pages_fit_a_small_phone_screen(browser: Browser, server_url: str, shipped_content: None, path: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"{server_url}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


RECORD_A_SHORT_WEBM = """async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 160; canvas.height = 90;
  const context = canvas.getContext('2d');
  const recorder = new MediaRecorder(canvas.captureStream(10), {mimeType: 'video/webm'});
  const chunks = [];
  recorder.ondataavailable = event => chunks.push(event.data);
  let frame = 0;
  const painting = setInterval(() => { context.fillStyle = frame++ % 2 ? 'teal' : 'orange'; context.fillRect(0, 0, 160, 90); }, 100);
  recorder.start();
  await new Promise(resolve => setTimeout(resolve, 1200));
  recorder.stop();
  await new Promise(resolve => { recorder.onstop = resolve; });
  clearInterval(painting);
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let binary = '';
  bytes.forEach(byte => { binary += String.fromCharCode(byte); });
  return btoa(binary);
}"""


def test_an_uploaded_video_plays_with_its_captions_under_the_csp(
    page: Page, server_url: str, axe: Axe, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    page.goto("about:blank")
    video = base64.b64decode(page.evaluate(RECORD_A_SHORT_WEBM))  # a real WebM, made by Chromium itself
    guide = make_guide("with-a-film", steps=0)
    step = add_step(
        guide, kind="video", title="A short film", body="Content note: colours flash.", transcript="Colours."
    )
    step.video_file.save("film.webm", ContentFile(video), save=False)
    step.captions_file.save(
        "film.vtt", ContentFile(b"WEBVTT\n\n00:00.000 --> 00:01.000\nTeal and orange\n"), save=False
    )
    step.save()
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )

    page.goto(f"{server_url}/guides/with-a-film/steps/1/")
    page.wait_for_function("document.querySelector('video').readyState >= 2")
    page.wait_for_function("(document.querySelector('video').textTracks[0].cues || []).length > 0")
    assert page.evaluate("document.querySelector('video').textTracks[0].cues[0].text") == "Teal and orange"
    assert refused == []
    assert_accessible(axe, page)


def _corpus_payloads() -> list[str]:
    payloads: list[str] = []
    for path in sorted((CORPUS / "payloadsallthethings").glob("*.txt")):
        payloads += [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    blns = CORPUS / "blns" / "blns.json"
    if blns.exists():
        payloads += [entry for entry in json.loads(blns.read_text(encoding="utf-8")) if entry.strip()]
    return payloads


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared XSS corpus is not at {CORPUS}")
def test_no_corpus_payload_runs_in_the_browser(page: Page, server_url: str) -> None:
    """Every payload, as Markdown, as a Markdown link, and as raw HTML stored behind the admin's back."""
    payloads = _corpus_payloads()
    chunks = [payloads[start : start + 400] for start in range(0, len(payloads), 400)]
    as_markdown = make_guide("as-markdown")
    as_links = make_guide("as-links")
    as_raw_html = make_guide("as-raw-html")
    for chunk in chunks:
        add_step(as_markdown, title="Payloads", body="\n\n".join(chunk))
        add_step(as_links, title="Links", body="\n\n".join(f"[link]({payload})" for payload in chunk))
        step = add_step(as_raw_html, title="Raw")
        Step.objects.filter(pk=step.pk).update(body_html="\n".join(chunk))
    make_rights_page(body_markdown="\n\n".join(payloads))

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    csp_reports: list[str] = []
    page.on(
        "console",
        lambda message: csp_reports.append(message.text) if "Content Security Policy" in message.text else None,
    )
    urls = [
        f"/guides/{slug}/steps/{n}/"
        for slug in ("as-markdown", "as-links", "as-raw-html")
        for n in range(1, len(chunks) + 1)
    ]
    for url in [*urls, "/rights/victims-code/"]:
        page.goto(f"{server_url}{url}")
        page.wait_for_load_state("load")
        # Hover and focus everything, in case a payload waits for an event.
        page.evaluate(
            "() => document.querySelectorAll('main *').forEach(el => { el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); el.dispatchEvent(new FocusEvent('focus')); })"
        )
        assert (
            page.evaluate(
                "() => document.querySelectorAll('.app-guides-body script, .app-guides-body iframe, .app-guides-body svg, .app-guides-body img, .app-guides-body object, .app-guides-body embed, .app-guides-body style').length"
            )
            == 0
        )
        assert (
            page.evaluate(
                "() => [...document.querySelectorAll('.app-guides-body *')].some(el => [...el.attributes].some(a => a.name.startsWith('on')))"
            )
            is False
        )
    assert dialogs == []
    assert csp_reports == []
