"""Ways to a person, everywhere they are needed: one list of numbers, each a tap-to-call link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from pages.service_numbers import link_numbers_in_html, service_numbers

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# A phone number as people write them, outside any tag: what must never be typed into a template.
TYPED_NUMBER = re.compile(r">[^<{]*\b(?:0\d{3}\s?\d{3}\s?\d{3,4}|0\d{2,4}\s\d{3,4}\s\d{3,4}|116\s?123|85258)\b")


def test_no_template_types_a_service_number_itself() -> None:
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "emails" in path.parts:
            continue
        for number in service_numbers().values():
            if number.number in path.read_text() and len(number.number) > 3:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {number.number}")
        if TYPED_NUMBER.search(path.read_text()):
            offenders.append(f"{path.relative_to(TEMPLATES)}: a typed number")
    assert not offenders


@pytest.mark.parametrize(
    "url", ["/help-now/", "/privacy/", "/account/under-16/", "/get-support/out-of-hours/", "/get-support/"]
)
def test_every_number_on_the_page_is_a_tap_to_call_link(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    text_outside_links = re.sub(r"<a\b.*?</a>", "", html, flags=re.S)
    text_outside_links = re.sub(r"<[^>]+>", " ", text_outside_links)
    for number in service_numbers().values():
        if len(number.number) > 3:
            assert number.number not in text_outside_links, number.name


def test_get_help_now_lists_text_and_chat_beside_the_phone_numbers(client: Client) -> None:
    html = client.get("/help-now/").content.decode()
    assert '<a class="govuk-link app-tel" href="sms:85258">85258</a>' in html
    assert '<a class="govuk-link app-tel" href="tel:116123">116 123</a>' in html
    assert 'href="/get-support/out-of-hours/"' in html
    # The site's own live chat, where people look for help.
    for url in ["/help-now/", "/get-support/", "/"]:
        assert 'href="/chat/"' in client.get(url).content.decode()


def test_numbers_in_guide_and_rights_content_become_links() -> None:
    html = link_numbers_in_html(
        "<p>Call <strong>999</strong> or the helpline on <strong>0808 2000 247</strong>. "
        "Text <strong>85258</strong>. NHS 111, or see 111.nhs.uk. Read 101 ways to cope. "
        '<a href="tel:08001111">0800 1111</a></p>'
    )
    assert '<strong><a class="govuk-link app-tel" href="tel:999">999</a></strong>' in html
    assert '<a class="govuk-link app-tel" href="tel:08082000247">0808 2000 247</a>' in html
    assert '<a class="govuk-link app-tel" href="sms:85258">85258</a>' in html
    assert 'NHS <a class="govuk-link app-tel" href="tel:111">111</a>' in html
    assert "see 111.nhs.uk" in html
    assert "Read 101 ways" in html
    assert html.count("tel:08001111") == 1


def test_a_guide_step_shows_its_numbers_as_links(alice_client: Client) -> None:
    from django.urls import reverse

    from tests.guides.factories import add_step, make_guide

    step = add_step(make_guide(), title="Help", body="Call Samaritans on **116 123**.")
    html = alice_client.get(reverse("guides:step-of", kwargs={"pk": step.pk}), follow=True).content.decode()
    assert '<a class="govuk-link app-tel" href="tel:116123">116 123</a>' in html


def test_the_privacy_notice_says_who_why_how_long_who_sees_and_how_to_complain(client: Client, settings) -> None:
    html = client.get("/privacy/").content.decode()
    assert "[the organisation that runs this service]" in html  # a placeholder until completed
    for words in [
        "Why we can use your information",
        "What we keep, and for how long",
        "keys held apart from the database",
        "no screen of the service shows diary text to staff",
        "Who can see it",
        "Your rights",
        "Information Commissioner",
        "ico.org.uk/make-a-complaint",
    ]:
        assert words in html, words
    settings.PRIVACY_ORGANISATION = "Example Trust"
    assert "run by Example Trust" in client.get("/privacy/").content.decode()


def test_the_under_16_page_says_help_exists_for_young_people(client: Client) -> None:
    html = client.get("/account/under-16/").content.decode()
    assert "There is support for you" in html
    assert "tel:08001111" in html and "sms:85258" in html
    for wrong in ["no help", "cannot help you", "not for you"]:
        assert wrong not in html.lower()
