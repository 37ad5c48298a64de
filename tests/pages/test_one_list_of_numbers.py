"""No number typed twice: content, templates and pages take every service number from pages/service_numbers.py."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from guides.models import RightsPage, Status, Step
from pages.service_numbers import PLACEHOLDER, service_numbers, typed_numbers, unknown_placeholders
from referrals.models import Organisation

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)
FIXTURES = BASE / "fixtures"
# Stricter than the linker: 999, 85258 and 116 xxx count wherever they stand, with or without a word
# like "call" beside them.
ALWAYS_NUMBERS = re.compile(r"(?<![\w.£$-])(?:999|85258|116\s?\d{3})(?![\w-])")


def numbers_typed_in(text: str) -> list[str]:
    text = PLACEHOLDER.sub(" ", text)
    return typed_numbers(text) + ALWAYS_NUMBERS.findall(text)


def shipped_texts() -> list[tuple[str, str]]:
    """(where, text) for every body and summary in the shipped content, and the directory's number fields."""
    texts: list[tuple[str, str]] = []
    for path in sorted((FIXTURES / "guides").glob("*.toml")):
        data = tomllib.loads(path.read_text())
        texts.append((f"{path.name} topic", data["topic"].get("summary", "")))
        for guide in data.get("guides", []):
            texts.append((f"{path.name} {guide['slug']}", guide.get("summary", "")))
            for step in guide.get("steps", []):
                for field in ("body", "prompt", "transcript"):
                    texts.append((f"{path.name} {guide['slug']} {step['title']}", step.get(field, "")))
    for path in sorted((FIXTURES / "rights").glob("*.toml")):
        data = tomllib.loads(path.read_text())
        texts += [(path.name, data.get("body", "")), (path.name, data.get("summary", ""))]
    for organisation in tomllib.loads((FIXTURES / "partners.toml").read_text())["organisation"]:
        texts.append((f"partners {organisation['slug']}", organisation["summary"]))
    return texts


def test_no_shipped_body_types_a_number_out() -> None:
    offenders = [f"{where}: {numbers}" for where, text in shipped_texts() if (numbers := numbers_typed_in(text))]
    assert not offenders


def test_every_placeholder_in_shipped_content_names_a_number_in_the_list() -> None:
    everything = "\n".join(path.read_text() for path in FIXTURES.rglob("*.toml"))
    assert PLACEHOLDER.search(everything)
    assert not unknown_placeholders(everything)


def test_the_directory_uses_the_list_for_every_number_the_list_has() -> None:
    listed = {re.sub(r"\D", "", item.number) for item in service_numbers().values()}
    offenders = []
    for organisation in tomllib.loads((FIXTURES / "partners.toml").read_text())["organisation"]:
        for field in ("phone", "text"):
            value = organisation.get(field, "")
            if value and not PLACEHOLDER.fullmatch(value) and re.sub(r"\D", "", value) in listed:
                offenders.append(f"{organisation['slug']} {field}: {value}")
    assert not offenders


def test_no_template_or_email_types_a_number_out() -> None:
    offenders = []
    for path in (BASE / "templates").rglob("*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        text = re.sub(r"{%.*?%}|{{.*?}}|<[^>]+>", " ", path.read_text(), flags=re.S)
        if numbers := numbers_typed_in(text):
            offenders.append(f"{path.relative_to(BASE)}: {numbers}")
    assert not offenders


def numbers_outside_the_list(html: str, directory_numbers: set[str]) -> list[str]:
    """Numbers on a page that are not a tap-to-call link, or link to a number neither list nor directory has."""
    listed = {re.sub(r"\D", "", item.number) for item in service_numbers().values()} | directory_numbers
    body = html.split("<main", 1)[-1]
    problems = [href for href in re.findall(r'href="(?:tel|sms):\+?(\d+)"', body) if href not in listed]
    outside_links = re.sub(r"<a\b.*?</a>", " ", body, flags=re.S)
    outside_links = re.sub(r"<[^>]+>", " ", outside_links)
    return problems + numbers_typed_in(outside_links)


def test_every_shipped_page_shows_only_linked_numbers_from_the_list(alice_client: Client) -> None:
    call_command("load_content", stdout=io.StringIO())
    directory = {re.sub(r"\D", "", value) for value in Organisation.objects.values_list("phone", flat=True)}
    directory |= {re.sub(r"\D", "", value) for value in Organisation.objects.values_list("text", flat=True)}
    urls = [
        f"/guides/steps/{pk}/"
        for pk in Step.objects.filter(guide__status=Status.PUBLISHED).values_list("pk", flat=True)
    ]
    urls += [f"/rights/{slug}/" for slug in RightsPage.objects.values_list("slug", flat=True)]
    urls += ["/get-support/organisations/", "/help-now/", "/get-support/", "/privacy/", "/account/under-16/"]
    assert len(urls) > 150
    offenders: dict[str, Any] = {}
    linked = 0
    for url in urls:
        response = alice_client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        linked += html.count("app-tel")
        if problems := numbers_outside_the_list(html, directory):
            offenders[url] = problems
        assert "[[number:" not in html, url
    assert not offenders
    assert linked > 200


@pytest.mark.parametrize(
    "answers",
    [
        {"safe_now": "no"},
        {"harm_thoughts": "yes"},
        {"daily_life": "very_much"},
        {},
    ],
)
def test_the_impact_check_results_show_only_linked_numbers_from_the_list(
    client: Client, answers: dict[str, str]
) -> None:
    calm = {
        "safe_now": "yes",
        "worried_about_harm": "no",
        "daily_life": "a_little",
        "harm_thoughts": "no",
        "someone_to_talk_to": "yes",
    }
    html = client.post("/get-support/check/", {**calm, **answers}, follow=True).content.decode()
    assert "app-tel" in html
    assert not numbers_outside_the_list(html, set())


@pytest.mark.parametrize(
    "url", ["/chat/", "/get-support/out-of-hours/", "/r/", "/guides/", "/rights/", "/get-support/silvercloud/"]
)
def test_other_pages_people_reach_for_help_show_only_linked_numbers(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert not numbers_outside_the_list(response.content.decode(), set())


def test_a_placeholder_is_shown_as_the_numbers_link_in_a_guide_step(alice_client: Client) -> None:
    from tests.guides.factories import add_step, make_guide

    step = add_step(make_guide(), title="Help", body="Call **[[number:samaritans]]** or [[number:nope]].")
    html = alice_client.get(f"/guides/steps/{step.pk}/", follow=True).content.decode()
    assert '<strong><a class="govuk-link app-tel" href="tel:116123">116 123</a></strong>' in html
    assert "[[number:nope]]" in html  # the admin refuses it; a row changed behind its back shows it as typed


def test_the_directory_shows_list_numbers_and_its_own_as_links(client: Client) -> None:
    Organisation.objects.create(
        slug="shout",
        name="Shout",
        text="[[number:shout]]",
        summary="Text [[number:shout]] any time.",
        opening_hours="-",
    )
    Organisation.objects.create(slug="local", name="Local line", phone="01206 500585", summary="s", opening_hours="-")
    html = client.get("/get-support/organisations/").content.decode()
    assert html.count('<a class="govuk-link app-tel" href="sms:85258">85258</a>') == 2
    assert '<a class="govuk-link app-tel" href="tel:01206500585">01206 500585</a>' in html


# --- Editors typing numbers in the admin ----------------------------------------------------------


@pytest.fixture
def editor_client() -> Client:
    from tests.factories import make_user, signed_in_client

    return signed_in_client(make_user("editor@example.org", is_staff=True, is_superuser=True))


def _rights_page(body: str) -> dict[str, str]:
    return {
        "slug": "numbers",
        "title": "Numbers",
        "summary": "s",
        "order": "1",
        "body_markdown": body,
        "status": "published",
    }


def test_a_number_from_the_list_typed_by_an_editor_is_saved_as_its_placeholder(editor_client: Client) -> None:
    body = "Call **999**, or Samaritans on 116 123, or the helpline on +44 808 2000 247. Text 85258."
    response = editor_client.post("/admin/guides/rightspage/add/", _rights_page(body), follow=True)
    assert response.status_code == 200
    page = RightsPage.objects.get(slug="numbers")
    assert page.body_markdown == (
        "Call **[[number:emergency]]**, or Samaritans on [[number:samaritans]], or the helpline on "
        "[[number:domestic-abuse]]. Text [[number:shout]]."
    )
    assert "not in the site's list" not in response.content.decode()
    html = Client().get("/rights/numbers/").content.decode()
    assert '<a class="govuk-link app-tel" href="tel:08082000247">0808 2000 247</a>' in html


def test_a_number_not_in_the_list_is_kept_linked_and_the_editor_is_told(editor_client: Client) -> None:
    response = editor_client.post("/admin/guides/rightspage/add/", _rights_page("Call 01206 500585."), follow=True)
    assert "01206 500585 is not in the site&#x27;s list" in response.content.decode()
    assert RightsPage.objects.get(slug="numbers").body_markdown == "Call 01206 500585."
    assert 'href="tel:01206500585"' in Client().get("/rights/numbers/").content.decode()


def test_a_placeholder_naming_no_number_is_refused(editor_client: Client) -> None:
    response = editor_client.post("/admin/guides/rightspage/add/", _rights_page("Call [[number:samaritan]]."))
    assert response.status_code == 200
    assert "[[number:samaritan]] is not in the list of service numbers" in response.content.decode()
    assert not RightsPage.objects.filter(slug="numbers").exists()
    assert "[[number:samaritans]]" in response.content.decode()  # the help text shows the way


def test_a_guide_step_typed_in_the_admin_takes_its_number_from_the_list(editor_client: Client) -> None:
    from tests.guides.factories import make_topic
    from tests.guides.test_admin import _guide_form

    steps = [
        {"order": "10", "kind": "information", "title": "Help", "body_markdown": "Ring 0808 802 0300 or 0300 000 0000"}
    ]
    response = editor_client.post("/admin/guides/guide/add/", _guide_form(make_topic().pk, steps), follow=True)
    assert response.status_code == 200
    assert Step.objects.get().body_markdown == "Ring [[number:stalking-helpline]] or 0300 000 0000"
    assert "0300 000 0000 is not in the site&#x27;s list" in response.content.decode()


def test_an_organisations_numbers_from_the_list_are_saved_as_placeholders(editor_client: Client) -> None:
    from referrals.models import Need

    need, _ = Need.objects.get_or_create(slug="mental-health", defaults={"name": "Mental health"})
    response = editor_client.post(
        "/admin/referrals/organisation/add/",
        {
            "name": "Shout",
            "slug": "shout",
            "summary": "Free support by text, or call NHS 111.",
            "needs": [need.pk],
            "area": "national",
            "phone": "116 123",
            "text": "85258",
            "opening_hours": "Any time",
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    organisation = Organisation.objects.get(slug="shout")
    assert (organisation.phone, organisation.text) == ("[[number:samaritans]]", "[[number:shout]]")
    assert organisation.summary == "Free support by text, or call NHS [[number:nhs]]."
