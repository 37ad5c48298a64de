from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from pages.service_numbers import service_numbers
from referrals.directory import load_partners
from referrals.models import Organisation

pytestmark = pytest.mark.django_db

FIXTURES = settings.BASE_DIR / "fixtures"


def load_directory(stdout: io.StringIO | None = None) -> None:
    apps.get_app_config("referrals").load_content(FIXTURES, stdout or io.StringIO())


@pytest.fixture
def directory(db: None) -> None:
    load_directory()


def test_load_content_loads_the_shipped_directory(db: None) -> None:
    call_command("load_content", stdout=io.StringIO())
    assert Organisation.objects.filter(slug="action-fraud").exists()


def test_the_shipped_directory_has_about_forty_organisations(directory: None) -> None:
    assert 35 <= Organisation.objects.count() <= 50
    assert all(organisation.needs.exists() for organisation in Organisation.objects.all())


def test_loading_again_updates_rather_than_adds(directory: None) -> None:
    count = Organisation.objects.count()
    Organisation.objects.filter(slug="crimestoppers").update(name="Changed by someone")
    output = io.StringIO()
    load_directory(output)
    assert Organisation.objects.count() == count
    assert Organisation.objects.get(slug="crimestoppers").name == "Crimestoppers"
    assert f"0 added, 1 updated, {count - 1} unchanged" in output.getvalue()


def test_an_editor_hiding_an_organisation_is_not_undone_by_a_reload(directory: None) -> None:
    Organisation.objects.filter(slug="crimestoppers").update(is_published=False)
    load_directory()
    assert not Organisation.objects.get(slug="crimestoppers").is_published


def test_action_fraud_is_now_report_fraud(directory: None) -> None:
    entry = Organisation.objects.get(slug="action-fraud")
    assert entry.name == "Report Fraud"
    assert entry.website == "https://www.reportfraud.police.uk"
    assert entry.phone == "[[number:report-fraud]]"
    assert service_numbers()["report-fraud"].number == "0300 123 2040"


def test_a_bad_entry_stops_the_load_and_names_it(tmp_path: Path) -> None:
    (tmp_path / "partners.toml").write_text(
        '[[organisation]]\nslug = "good"\nname = "Good"\nsummary = "s"\nneeds = ["stalking"]\narea = "national"\n'
        'opening_hours = "Any time"\n\n'
        '[[organisation]]\nslug = "bad"\nname = "Bad"\nsummary = "s"\nneeds = ["weather"]\narea = "national"\n'
        'opening_hours = "Any time"\n'
    )
    with pytest.raises(ValidationError, match="bad: unknown needs"):
        load_partners(tmp_path / "partners.toml")
    assert not Organisation.objects.exists()


def _every_page(client: Client, filters: dict | None = None) -> str:
    """The directory's pages, one after another, as someone pressing Next would read them."""
    pages, number = [], 1
    while True:
        html = client.get("/get-support/organisations/", {**(filters or {}), "page": number}).content.decode()
        pages.append(html)
        if 'rel="next"' not in html:
            return "".join(pages)
        number += 1


def test_the_directory_comes_in_pages_of_ten_that_keep_the_filters(client: Client, directory: None) -> None:
    total = Organisation.objects.count()
    html = client.get("/get-support/organisations/", {"area": "national"}).content.decode()
    assert html.count('class="govuk-summary-card"') == 10
    assert 'href="?area=national&amp;page=2" rel="next"' in html
    last = client.get("/get-support/organisations/", {"page": 999}).content.decode()
    assert f"to {total} of {total}" in last
    assert _every_page(client).count('class="govuk-summary-card"') == total


def test_the_directory_is_public_and_shows_how_to_contact_each(client: Client, directory: None) -> None:
    html = _every_page(client)
    assert f"{Organisation.objects.count()} organisations" in html
    assert "Report Fraud" in html
    assert 'href="tel:03001232040"' in html
    assert "Check the website for current opening hours" in html


def test_filter_by_need(client: Client, directory: None) -> None:
    html = _every_page(client, {"need": "stalking"})
    assert "National Stalking Helpline" in html
    assert "Report Fraud" not in html
    expected = Organisation.objects.filter(needs__slug="stalking").count()
    assert f"{expected} organisation" in html


def test_filter_by_area_includes_national_organisations_but_not_other_regions(client: Client, directory: None) -> None:
    east = Organisation.objects.filter(area="east-of-england").first()
    wales = Organisation.objects.filter(area="wales").first()
    assert east is not None and wales is not None
    html = _every_page(client, {"area": "east-of-england"})
    assert east.name in html
    assert "Report Fraud" in html
    assert wales.name not in html
    html = _every_page(client, {"area": "london"})
    assert east.name not in html
    assert "Report Fraud" in html


def test_filters_combine(client: Client, directory: None) -> None:
    html = _every_page(client, {"need": "fraud-and-scams", "area": "national"})
    assert "Report Fraud" in html
    assert "National Domestic Abuse Helpline" not in html


def test_an_unknown_filter_value_gets_a_calm_error(client: Client, directory: None) -> None:
    response = client.get("/get-support/organisations/", {"need": "weather"})
    assert response.status_code == 200
    assert "Select something from the list" in response.content.decode()


def test_an_organisation_hidden_by_editors_is_not_listed(client: Client, directory: None) -> None:
    Organisation.objects.filter(slug="action-fraud").update(is_published=False)
    assert "Report Fraud" not in client.get("/get-support/organisations/").content.decode()


def test_the_directory_loads_in_a_fixed_number_of_queries(
    client: Client, directory: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        client.get("/get-support/organisations/")


def test_editors_can_edit_organisations_in_the_admin(directory: None) -> None:
    from tests.factories import make_user, signed_in_client

    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    admin = signed_in_client(editor)
    organisation = Organisation.objects.get(slug="action-fraud")
    assert admin.get("/admin/referrals/organisation/").status_code == 200
    assert admin.get(f"/admin/referrals/organisation/{organisation.pk}/change/").status_code == 200


def test_the_readme_says_entries_must_be_checked() -> None:
    readme = " ".join((settings.BASE_DIR / "README.md").read_text().split())
    assert "checked with each organisation before going live" in readme
