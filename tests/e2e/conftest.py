"""Real-browser fixtures: Debian's Chromium driven by Playwright, and an axe-core check."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from pytest_httpserver import HTTPServer

from tests.conftest import CHROMIUM
from tests.html_check import html_errors

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop running in this thread, though the tests'
    # own ORM calls (and the database set-up around them) stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser tab. Every HTML page it opens is read by a strict parser afterwards."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    opened = watch_html_pages(page)
    yield page
    problems = html_problems(opened)
    context.close()
    assert problems == {}, "pages that are not well-formed HTML"


def watch_html_pages(page: Page) -> list[Response]:
    """Every HTML page ``page`` opens from now on, for ``html_problems`` to read."""
    opened: list[Response] = []
    page.on("response", lambda response: opened.append(response) if _is_html_page(response) else None)
    return opened


def html_problems(opened: list[Response]) -> dict[str, list[str]]:
    problems = {}
    for response in opened:
        try:
            markup = response.text()
        except PlaywrightError:
            continue  # a page the browser has already let go of
        # Control characters inside editor-written content (which one test fills with a corpus of
        # hostile strings) are the content's, not the markup's: the parser still reports them
        # in tests/pages/test_valid_html.py, for the shipped content.
        if errors := [error for error in html_errors(markup) if "invalid-codepoint" not in error]:
            problems[response.url] = errors
    return problems


def _is_html_page(response: Response) -> bool:
    return (
        response.request.resource_type == "document"
        and response.status == 200
        and response.headers.get("content-type", "").startswith("text/html")
    )


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def assert_accessible(axe: Axe, page: Page) -> None:
    """No WCAG 2.2 A/AA violations on the page as it is now."""
    results: Any = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    assert not violations, results.generate_report()


@pytest.fixture
def neutral_site(httpserver: HTTPServer, settings) -> str:
    """A real local server standing in for the neutral site (BBC Weather by default)."""
    httpserver.expect_request("/weather").respond_with_data(
        "<!doctype html><title>Weather</title><h1>Weather forecast</h1>", content_type="text/html"
    )
    url = httpserver.url_for("/weather")
    settings.QUICK_EXIT_URL = url
    return url
