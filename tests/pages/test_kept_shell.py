"""The shell's fixed parts and the navigation are drawn once per process (pages/templatetags/layout_tags.py),
and content HTML once per text (guides_tags.shown_content): fast, and never out of date or shared
between people."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines
from django.test import Client, RequestFactory

from guides.templatetags import guides_tags
from pages.templatetags import layout_tags
from tests.factories import make_user, signed_in_client
from tests.guides.factories import add_step, make_guide


def _navigation(html: str) -> str:
    start = html.index('<ul class="govuk-service-navigation__list"')
    return html[start : html.index("</ul>", start)]


@pytest.mark.django_db
def test_the_shell_is_drawn_once_and_stays_the_same(client: Client, django_assert_num_queries: Any) -> None:
    first = client.get("/help-now/").content.decode()
    assert layout_tags._fixed, "the fixed parts were kept"
    again = client.get("/help-now/").content.decode()
    for part in ('<footer class="govuk-footer"', 'class="govuk-exit-this-page"', 'href="/exit/"'):
        assert part in first
        assert part in again


@pytest.mark.django_db
def test_a_changed_setting_shows_at_once(client: Client, settings: Any) -> None:
    add_step(make_guide(), title="Step 1", body="Call the Supportline on [[number:supportline]].")
    step = "/guides/calm-breathing/steps/1/"
    before = client.get(step).content.decode()
    assert 'class="govuk-generic-header__homepage-link">Wellbeing Notes<' not in before
    settings.SERVICE_NAME = "Wellbeing Notes"
    settings.SUPPORTLINE_NUMBER = "0808 000 1234"
    after = client.get(step).content.decode()
    assert 'class="govuk-generic-header__homepage-link">Wellbeing Notes<' in after
    # in the step's own text and in the "talk to someone" area
    assert after.count('href="tel:08080001234"') == 2


@pytest.mark.django_db
def test_each_person_sees_their_own_navigation(client: Client) -> None:
    guest = _navigation(client.get("/guides/").content.decode())
    alice = make_user(email="alice@example.org")
    member = _navigation(signed_in_client(alice).get("/guides/").content.decode())
    assert "Sign in" in guest and "Your space" not in guest
    assert "Your space" in member and "Sign in" not in member
    assert "Sign out" in member and 'name="csrfmiddlewaretoken"' in member
    assert _navigation(client.get("/guides/").content.decode()) == guest  # the guest's is still the guest's


@pytest.mark.django_db
def test_the_current_section_is_marked_on_each_page(client: Client) -> None:
    guides = _navigation(client.get("/guides/").content.decode())
    home = _navigation(client.get("/").content.decode())
    assert guides.count('aria-current="page"') == 1 and home.count('aria-current="page"') == 1
    assert 'href="/guides/" aria-current="page"' in guides
    assert 'href="/" aria-current="page"' in home


def test_a_fixed_block_in_a_template_made_from_a_string_is_drawn_every_time(settings: Any) -> None:
    template = engines["django"].from_string("{% load layout_tags %}{% fixed %}{{ word }}{% endfixed %}")
    request = RequestFactory().get("/")
    assert template.render({"word": "first"}, request) == "first"
    assert template.render({"word": "second"}, request) == "second"


@pytest.mark.django_db
def test_content_html_is_sanitised_once_per_text() -> None:
    from guides import catalogue

    client = signed_in_client(make_user("alice@example.org"))
    guides_tags._shown_content.cache_clear()
    add_step(make_guide(), title="Step 1", body="Breathe in slowly. Call 0808 168 9111 if you need to.")
    for _ in range(3):
        catalogue._forget()  # the step's page is drawn again each time (it is otherwise kept whole)
        page = client.get("/guides/calm-breathing/steps/1/").content.decode()
        assert "Breathe in slowly" in page
    assert guides_tags._shown_content.cache_info().misses == 1
    assert guides_tags._shown_content.cache_info().hits == 2
    # Content that is unsafe is still made safe: the same function, remembered, not skipped.
    shown = guides_tags.shown_content('<p>Hi</p><script>alert("x")</script><a href="javascript:alert(1)">x</a>')
    assert "<script" not in shown and "javascript:" not in shown


def test_blocks_are_still_found_outside_fixed_parts() -> None:
    # {% fixed %} hides its inside from {% extends %}'s search for blocks; the blocks around it still work.
    from django.template import Context
    from django.template.base import TextNode
    from django.template.loader_tags import BlockNode

    engine = engines["django"].engine
    parent = engine.from_string(
        "{% load layout_tags %}[{% fixed %}F{% endfixed %}{% block body %}parent{% endblock %}]"
    )
    assert [node.name for node in parent.nodelist.get_nodes_by_type(BlockNode)] == ["body"]
    fixed = next(node for node in parent.nodelist if isinstance(node, layout_tags.FixedNode))
    assert isinstance(fixed.nodelist[0], TextNode)
    assert fixed.get_nodes_by_type(TextNode) == [], "the walk does not go inside"
    assert parent.render(Context()) == "[Fparent]"
