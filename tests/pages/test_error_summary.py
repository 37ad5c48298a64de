"""On every form with errors, the GOV.UK error summary comes first in the page, once."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _summary_comes_first(html: str) -> None:
    main = html.split('id="main-content"')[1]
    assert main.count('class="govuk-error-summary"') == 1
    assert main.index('class="govuk-error-summary"') < main.index("<h1")
    assert "js/error-summary." in html


def test_the_impact_check(client: Client) -> None:
    _summary_comes_first(client.post("/get-support/check/", {"safe_now": "maybe"}).content.decode())


def test_the_caseworker_form(alice_client: Client) -> None:
    _summary_comes_first(alice_client.post("/get-support/caseworker/", {"name": ""}).content.decode())


def test_sign_in(client: Client) -> None:
    client.get("/account/sign-in/")
    response = client.post("/account/sign-in/", {"sign_in_view-current_step": "auth", "auth-username": ""})
    _summary_comes_first(response.content.decode())


def test_the_menu_button_is_hidden_until_the_script_shows_it(client: Client) -> None:
    html = client.get("/").content.decode()
    assert (
        '<button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden>Menu</button>'
        in html
    )
    assert 'id="navigation"' in html and "js/menu." in html
