"""Pages travel compressed (brotli or gzip), with Django's BREACH mitigation kept."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

MAX_COMPRESSED_BYTES = 60 * 1024


def test_pages_are_sent_with_brotli_when_the_browser_accepts_it(client: Client) -> None:
    response = client.get("/", headers={"accept-encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response["Vary"]
    html = brotli.decompress(response.content).decode()
    assert "<title>Home" in html
    assert int(response["Content-Length"]) == len(response.content)


def test_pages_are_sent_with_gzip_otherwise(client: Client) -> None:
    response = client.get("/", headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "<title>Home" in gzip.decompress(response.content).decode()


def test_nothing_is_compressed_for_a_browser_that_does_not_ask(client: Client) -> None:
    response = client.get("/")
    assert not response.has_header("Content-Encoding")


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_the_same_page_differs_in_length_from_one_response_to_the_next(client: Client, encoding: str) -> None:
    """BREACH reads secrets from how the compressed length changes: random padding hides it."""
    lengths = {len(client.get("/", headers={"accept-encoding": encoding}).content) for _ in range(12)}
    assert len(lengths) > 3


def test_the_csrf_token_in_a_compressed_form_is_masked_afresh_each_time(client: Client) -> None:
    tokens = set()
    for _ in range(3):
        html = brotli.decompress(client.get("/account/sign-in/", headers={"accept-encoding": "br"}).content).decode()
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
    assert len(tokens) == 3


def test_static_files_keep_their_own_precompressed_copies(client: Client) -> None:
    html = client.get("/").content.decode()
    css = re.search(r'href="(/static/css/main\.[^"]+\.css)"', html).group(1)
    response = client.get(css, headers={"accept-encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.get("Content-Encoding") in {"br", "gzip"}


@pytest.mark.parametrize(
    "path", ["/", "/guides/", "/rights/", "/get-support/", "/get-support/organisations/", "/help-now/"]
)
def test_no_public_page_is_over_60_kb_compressed(client: Client, path: str) -> None:
    from django.core.management import call_command

    call_command("load_content", verbosity=0)
    response = client.get(path, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert len(response.content) < MAX_COMPRESSED_BYTES
