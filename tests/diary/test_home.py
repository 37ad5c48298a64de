"""Finding the diary: the main navigation and the panel on the person's home page."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_members_see_diary_in_the_navigation(alice_client: Client, client: Client) -> None:
    assert 'href="/diary/"' in alice_client.get("/").content.decode()
    assert 'href="/diary/"' not in client.get("/").content.decode()


def test_the_navigation_marks_the_diary_as_the_current_page(alice_client: Client) -> None:
    page = alice_client.get("/diary/").content.decode()
    assert 'href="/diary/" aria-current="page"' in page


def test_the_home_page_invites_the_person_to_write(alice_client: Client) -> None:
    page = alice_client.get("/account/").content.decode()
    assert "How are you today?" in page
    assert 'href="/diary/new/">Write in your diary</a>' in page
    assert page.index("How are you today?") < page.index("Need to talk to someone?")
