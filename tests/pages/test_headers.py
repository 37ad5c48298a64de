from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_a_normal_page_has_the_security_headers_and_is_not_stored(client: Client) -> None:
    response = client.get("/")
    _assert_security_headers(response)
    assert response["Cache-Control"] == "no-store"


def test_the_inline_script_carries_the_csp_nonce(client: Client) -> None:
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_an_error_page_has_the_security_headers_and_the_shell(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_security_headers(response)
    html = response.content.decode()
    assert "Page not found" in html
    assert "Exit this page" in html


def test_a_static_file_has_the_security_headers_and_can_be_cached(client: Client) -> None:
    page = client.get("/").content.decode()
    css_url = re.search(r'href="(/static/css/main\.[0-9a-f]+\.css)"', page).group(1)
    response = client.get(css_url)
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


def test_csrf_failure_page_is_calm_and_in_the_shell() -> None:
    client = Client(enforce_csrf_checks=True)
    # Any POST to a view that checks CSRF will do; the admin login is always there.
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Please try again" in html
    assert "Exit this page" in html
    assert "CSRF" not in html


def test_a_server_error_shows_the_calm_page_not_a_stack_trace(client: Client, settings) -> None:
    client.raise_request_exception = False
    settings.ROOT_URLCONF = "tests.pages.urls_that_fail"
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "Traceback" not in html
    _assert_security_headers(response)
