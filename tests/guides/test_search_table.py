"""Real queries, in the words people use, and the page each must find first. Run on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from guides import search
from guides.services import load_shipped_content

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

# (what someone types, the slug of the guide or rights page that must come first)
QUERIES = [
    # Burglary: synonyms, word forms and a typo
    ("break in", "after-a-burglary"),
    ("someone broke into my house", "after-a-burglary"),
    ("my flat was broken into", "after-a-burglary"),
    ("burgled", "after-a-burglary"),
    ("burgalry", "after-a-burglary"),
    ("home security", "home-safety-practical-steps"),
    # Fraud and scams
    ("scam", "coronavirus-scams-spotting"),
    ("catfished", "romance-fraud-understanding"),
    ("romance scam", "romance-fraud-understanding"),
    ("crypto investment scam", "investment-fraud-what-happened"),
    ("partner controls my money", "financial-abuse-recognising"),
    # Court, witnesses and compensation
    ("court", "going-to-court-as-a-witness"),
    ("giving evidence", "going-to-court-as-a-witness"),
    ("special measures", "going-to-court-as-a-witness"),
    ("witness", "being-a-witness"),
    ("i saw a crime", "being-a-witness"),
    ("compensation", "criminal-injuries-compensation"),
    ("compensaton", "criminal-injuries-compensation"),
    ("claim for an injury", "criminal-injuries-compensation"),
    ("time off work for court", "rights-at-work"),
    ("my rights", "victims-code"),
    ("victims code", "victims-code"),
    ("victim personal statement", "victims-code"),
    ("right to review", "justice-system"),
    # Stalking, harassment, threats: word forms
    ("stalker", "understanding-stalking"),
    ("threatened", "social-media-harassment-taking-control"),
    ("threats", "social-media-harassment-taking-control"),
    ("being followed", "understanding-stalking"),
    ("trolls", "social-media-harassment-taking-control"),
    ("hacked account", "online-crime-securing-accounts"),
    ("domestic violence", "domestic-abuse-staying-safe"),
    ("racist abuse", "hate-crime-understanding"),
    ("noisy neighbours", "antisocial-behaviour-understanding"),
    # Feelings
    ("cant sleep", "coping-sleep"),
    ("nightmares", "coping-sleep"),
    ("panic attacks", "coping-anxiety"),
    ("anxious", "coping-anxiety"),
    ("so angry", "coping-anger"),
    ("face mask", "face-coverings-understanding-anxiety"),
    ("helping a friend", "supporting-someone-after-crime"),
]


@pytest.fixture
def shipped(db: None) -> None:
    load_shipped_content(fixtures_dir=FIXTURES, stdout=io.StringIO())


def test_there_are_at_least_thirty_queries() -> None:
    assert len(QUERIES) >= 30
    assert len({query for query, _ in QUERIES}) == len(QUERIES)


@pytest.mark.parametrize(("query", "first"), QUERIES)
def test_each_query_finds_its_page_first(shipped: None, query: str, first: str) -> None:
    _, results, _ = search.search(query, user=AnonymousUser())
    assert results, f"nothing found for {query!r}"
    assert results[0].slug == first, [result.slug for result in results[:5]]


def test_the_results_page_shows_highlighted_snippets(shipped: None, client: Client) -> None:
    page = client.get("/guides/search/", {"q": "broke into"}).content.decode()
    results = page.split('class="govuk-list app-guides-list app-search-results"')[1]
    assert results.index("After a burglary") < results.index("</li>")
    assert re.search(r"<mark>[Bb]urglar", results), results[:3000]


def test_snippets_are_escaped(shipped: None) -> None:
    groups = search.parse_query("burglary")
    text = str(search.snippet("A <script>alert(1)</script> after a burglary & more", groups))
    assert "<script" not in text
    assert "&lt;script" in text
    assert "<mark>burglary</mark> &amp; more" in text


def test_what_is_not_there_finds_nothing(shipped: None, client: Client) -> None:
    assert "Nothing found" in client.get("/guides/search/", {"q": "xylophone"}).content.decode()


def test_members_only_guides_stay_hidden_from_search_when_signed_out(shipped: None) -> None:
    from guides.models import Guide

    Guide.objects.filter(slug="after-a-burglary").update(members_only=True)
    _, results, _ = search.search("burglary", user=AnonymousUser())
    assert "after-a-burglary" not in [result.slug for result in results]


def test_postgresql_uses_its_full_text_search(shipped: None, client: Client, django_assert_max_num_queries) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL set")
    with django_assert_max_num_queries(10) as captured:
        client.get("/guides/search/", {"q": "court"})
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "to_tsvector" in sql and "ts_rank" in sql and "ts_headline" in sql
