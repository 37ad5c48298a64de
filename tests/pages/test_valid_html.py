"""Every page is well-formed HTML: a strict parser finds nothing to repair."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from tests.accounts.test_side_doors import _site_urls
from tests.html_check import html_errors

pytestmark = pytest.mark.django_db


def _pages(client: Client) -> dict[str, str]:
    found = {}
    for name, url, _ in _site_urls():
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found[f"{name} {url}"] = response.content.decode()
    return found


def test_every_page_a_visitor_can_open_parses_without_errors(client: Client) -> None:
    call_command("load_content", verbosity=0)
    pages = _pages(client)
    for path in ["/guides/topics/stalking-and-harassment/", "/rights/victims-code/", "/guides/search/?q=safe"]:
        pages[path] = client.get(path).content.decode()
    pages["sign-up"] = (client.post("/account/start/", {"is_16_or_over": "yes"}), client.get("/account/signup/"))[
        1
    ].content.decode()
    pages["sign-up with errors"] = client.post("/account/signup/", {"role": "victim"}).content.decode()
    assert len(pages) > 15
    problems = {name: html_errors(html) for name, html in pages.items()}
    assert {name: errors for name, errors in problems.items() if errors} == {}


def test_every_page_a_signed_in_person_can_open_parses_without_errors(alice_client: Client) -> None:
    call_command("load_content", verbosity=0)
    pages = _pages(alice_client)
    assert len(pages) > 20
    problems = {name: html_errors(html) for name, html in pages.items()}
    assert {name: errors for name, errors in problems.items() if errors} == {}


def test_a_preselected_radio_button_says_checked_once(alice_client: Client) -> None:
    html = alice_client.get("/account/settings/role/").content.decode()
    chosen = next(line for line in html.splitlines() if "checked" in line)
    assert chosen.count("checked") == 1
