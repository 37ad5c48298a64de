"""What search engines see: public pages indexable with a description, private ones never."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.guides.factories import make_guide, make_rights_page, make_topic

pytestmark = pytest.mark.django_db


def _robots(html: str) -> str:
    return re.search(r'<meta name="robots" content="([^"]+)">', html).group(1)


def _description(html: str) -> str | None:
    found = re.search(r'<meta name="description" content="([^"]*)">', html)
    return found.group(1) if found else None


@pytest.fixture
def content(db: None) -> dict:
    topic = make_topic(slug="feeling-safer", title="Feeling safer", summary="Ways to feel  safer at home.")
    guide = make_guide(topic=topic, slug="safer-at-home", summary="A short guide to feeling safer.")
    hidden = make_guide(topic=topic, slug="members-guide", members_only=True, summary="For members.")
    page = make_rights_page(slug="victims-code", summary="What the Victims' Code gives you.")
    return {"topic": topic, "guide": guide, "hidden": hidden, "page": page}


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/", "self-help"),
        ("/guides/", "guides"),
        ("/guides/topics/feeling-safer/", "Ways to feel safer at home."),
        ("/guides/safer-at-home/", "A short guide to feeling safer."),
        ("/rights/", "Your rights"),
        ("/rights/victims-code/", "What the Victims&#x27; Code gives you."),
        ("/get-support/organisations/", "Specialist organisations"),
    ],
)
def test_public_pages_are_indexable_with_a_description(client: Client, content: dict, path: str, words: str) -> None:
    html = client.get(path).content.decode()
    assert _robots(html) == "index, follow"
    assert words in (_description(html) or "")


@pytest.mark.parametrize(
    "path",
    ["/account/sign-in/", "/account/start/", "/guides/search/?q=safe", "/get-support/check/", "/exit-missing/"],
)
def test_sign_in_forms_and_search_results_are_not_indexed(client: Client, content: dict, path: str) -> None:
    html = client.get(path, follow=True).content.decode()
    assert _robots(html) == "noindex, nofollow"
    assert _description(html) is None


def test_private_pages_are_never_indexed(alice_client: Client, content: dict) -> None:
    for path in ["/account/", "/account/settings/", "/diary/", "/guides/members-guide/"]:
        html = alice_client.get(path).content.decode()
        assert _robots(html) == "noindex, nofollow", path


def test_a_members_only_guide_is_not_indexed_even_when_open(alice_client: Client, content: dict) -> None:
    html = alice_client.get("/guides/members-guide/").content.decode()
    assert _robots(html) == "noindex, nofollow"


def test_robots_txt_keeps_search_engines_out_of_private_parts_and_names_the_sitemap(client: Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for private in ["/account/", "/diary/", "/admin/", "/staff/"]:
        assert f"Disallow: {private}\n" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_the_sitemap_lists_public_content_and_nothing_private(client: Client, content: dict) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    assert "http://testserver/" in locations
    assert "http://testserver/guides/topics/feeling-safer/" in locations
    assert "http://testserver/guides/safer-at-home/" in locations
    assert "http://testserver/rights/victims-code/" in locations
    assert "http://testserver/guides/members-guide/" not in locations
    assert not [url for url in locations if "/account/" in url or "/diary/" in url]


def test_a_favicon_is_served_at_the_root_and_linked_from_every_page(client: Client) -> None:
    assert client.get("/favicon.ico").status_code == 200
    html = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert client.get(icon).status_code == 200


def _unnamed_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _unnamed_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and not entry.name:
            found.append(prefix + str(entry.pattern))
    return found


def test_only_the_files_for_search_engines_go_without_a_url_name() -> None:
    """The side-door tests check every named route; nothing else may slip past them unnamed.

    (Django admin's own unnamed routes sit behind its staff-and-two-factor site, accounts/admin_site.py.)
    """
    unnamed = [route for route in _unnamed_routes() if not route.startswith("admin/")]
    assert sorted(unnamed) == ["robots.txt", "sitemap.xml"]
