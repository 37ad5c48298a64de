"""The partner directory's pages are drawn once per process and drawn again after any editor's change."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from guides import catalogue
from referrals.models import Need, Organisation
from tests.factories import make_user, signed_in_client
from tests.referrals.test_directory import directory

__all__ = ["directory"]  # the fixture

pytestmark = pytest.mark.django_db

URL = "/get-support/organisations/"


def _page(client: Client, **params: str) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def _listing(html: str) -> str:
    return html[html.index('<div class="govuk-grid-column-one-third">') : html.index("</main>")]


def test_a_page_read_again_costs_no_query(client: Client, directory: None, django_assert_num_queries: Any) -> None:
    first = _page(client, area="national")
    with django_assert_num_queries(0):
        again = _page(client, area="national")
    assert _listing(again) == _listing(first)
    _page(client, need="stalking")
    with django_assert_num_queries(1):  # the need is looked up to check it; the page is kept
        _page(client, need="stalking")


def test_an_editors_change_shows_on_the_next_request(client: Client, directory: None) -> None:
    assert "Report Fraud" in _page(client, need="fraud-and-scams")
    organisation = Organisation.objects.get(slug="action-fraud")
    organisation.name = "Report Fraud and Cyber Crime"
    organisation.save()
    assert "Report Fraud and Cyber Crime" in _page(client, need="fraud-and-scams")
    organisation.needs.remove(Need.objects.get(slug="fraud-and-scams"))
    assert "Report Fraud and Cyber Crime" not in _page(client, need="fraud-and-scams")
    organisation.delete()
    assert "Report Fraud and Cyber Crime" not in _page(client)


def test_an_editor_saving_in_the_admin_shows_at_once(client: Client, directory: None) -> None:
    assert "National Stalking Helpline" in _page(client, need="stalking")
    editor = signed_in_client(make_user("editor@example.org", is_staff=True, is_superuser=True))
    organisation = Organisation.objects.get(name__startswith="National Stalking Helpline")
    editor.post(f"/admin/referrals/organisation/{organisation.pk}/delete/", {"post": "yes"})  # the admin's own delete
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert "National Stalking Helpline" not in _page(client, need="stalking")


def test_each_filter_has_its_own_page(client: Client, directory: None) -> None:
    stalking = _page(client, need="stalking")
    fraud = _page(client, need="fraud-and-scams")
    assert "National Stalking Helpline" in stalking and "National Stalking Helpline" not in fraud
    assert 'value="stalking" selected' in stalking and 'value="fraud-and-scams" selected' in fraud


def test_a_wrong_filter_shows_one_error_summary_and_is_not_kept(client: Client, directory: None) -> None:
    catalogue._forget()
    html = _page(client, need="weather")
    assert html.count("There is a problem") == 1
    assert "Select something from the list" in html
    assert not catalogue._drawn.get("directory")


def test_made_up_page_numbers_are_not_kept(client: Client, directory: None) -> None:
    catalogue._forget()
    _page(client, page="last")
    _page(client, page="-1")
    assert not catalogue._drawn.get("directory")
    _page(client, page="2")
    assert len(catalogue._drawn["directory"]) == 1


def test_made_up_directory_pages_cannot_push_the_guide_steps_out(
    client: Client, directory: None, settings: Any
) -> None:
    from tests.guides.factories import make_guide

    make_guide(steps=1)
    catalogue._forget()
    for page in range(catalogue.DRAWN_KEPT + 5):
        catalogue.kept("directory", (None, "", str(page)), lambda: "a page")
    assert len(catalogue._drawn["directory"]) == catalogue.DRAWN_KEPT
    client.get("/guides/calm-breathing/steps/1/")
    assert ("calm-breathing", 1) in catalogue._drawn["step"]
