from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/help-now/", "/using-this-site-safely/", "/accessibility/", "/privacy/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_render_in_the_shell(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main-content"' in html
    assert "Exit this page" in html
    assert 'href="/exit/"' in html
    assert "116 123" in html
    for footer_link in ["/help-now/", "/using-this-site-safely/", "/accessibility/", "/privacy/"]:
        assert f'href="{footer_link}"' in html


def test_home_says_who_it_is_for(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "16 or over" in html
    assert "told the police" in html
    assert "supporting someone" in html
    assert "999" in html


def test_service_name_is_configurable(client: Client, settings) -> None:
    settings.SERVICE_NAME = "Wellbeing Notes"
    html = client.get("/").content.decode()
    assert "Wellbeing Notes" in html
    assert "<title>Home – Wellbeing Notes</title>" in html


def test_titles_can_be_made_neutral(client: Client, settings) -> None:
    settings.NEUTRAL_PAGE_TITLES = True
    settings.NEUTRAL_PAGE_TITLE = "Recipes"
    html = client.get("/help-now/").content.decode()
    assert "<title>Recipes</title>" in html


def test_quick_exit_ends_the_session_and_leaves_for_the_neutral_site(
    client: Client, settings, django_user_model
) -> None:
    settings.QUICK_EXIT_URL = "https://weather.example/"
    user = django_user_model.objects.create_user(email="alice@example.org", password="x")
    client.force_login(user)
    assert "_auth_user_id" in client.session

    response = client.get("/exit/")

    assert response.status_code == 302
    assert response["Location"] == "https://weather.example/"
    assert "cache" in response["Clear-Site-Data"]
    assert "_auth_user_id" not in client.session


def test_quick_exit_works_as_a_post_without_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/exit/")
    assert response.status_code == 302


def test_staff_see_only_the_menu_items_that_lead_somewhere(alice_client: Client) -> None:
    from django.contrib.auth.models import Group

    from tests.factories import make_user, signed_in_client

    home = alice_client.get("/").content.decode()
    assert ">Requests<" not in home and ">Admin<" not in home
    caseworker = make_user("worker@example.org", is_staff=True)
    caseworker.groups.add(Group.objects.get_or_create(name="Caseworkers")[0])
    html = signed_in_client(caseworker).get("/").content.decode()
    assert ">Requests<" in html and ">Admin<" not in html
    # An editor (staff, not a caseworker) would get "page not found" from the queue: no item for it.
    editor_user = make_user("editor@example.org", is_staff=True)
    editor_user.groups.add(Group.objects.get_or_create(name="Content editors")[0])
    editor = signed_in_client(editor_user)
    html = editor.get("/").content.decode()
    assert ">Requests<" not in html and ">Admin<" in html
    assert editor.get("/staff/requests/").status_code == 404


def test_staff_land_where_they_work(alice_client: Client) -> None:
    from django.contrib.auth.models import Group

    from tests.factories import make_user, signed_in_client

    caseworker = make_user("worker@example.org", is_staff=True)
    caseworker.groups.add(Group.objects.get_or_create(name="Caseworkers")[0])
    assert signed_in_client(caseworker).get("/start/")["Location"] == "/staff/requests/"
    editor = signed_in_client(make_user("editor@example.org", is_staff=True))
    assert editor.get("/start/")["Location"] == "/admin/"
    assert alice_client.get("/start/")["Location"] == "/account/"
