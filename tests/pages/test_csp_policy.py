"""The site's Content-Security-Policy is built once per process (pages.middleware.CSPMiddleware) and is
exactly what django-csp would build, nonce and all; anything unusual takes django-csp's own path."""

from __future__ import annotations

import re
from typing import Any

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import RequestFactory

from pages import middleware


def _directives(header: str) -> dict[str, str]:
    # django-csp's directive order follows a set's, so compare the directives, not the text.
    return dict(part.strip().split(" ", 1) if " " in part.strip() else (part.strip(), "") for part in header.split(";"))


def _run(view: Any, request: HttpRequest | None = None) -> tuple[HttpRequest, HttpResponse]:
    request = request or RequestFactory().get("/")
    response = middleware.CSPMiddleware(view)(request)
    return request, response


@pytest.mark.django_db
def test_a_page_with_a_nonce_gets_django_csps_policy_with_that_nonce(client: Any) -> None:
    response = client.get("/")
    header = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", header).group(1)  # type: ignore[union-attr]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert _directives(header) == _directives(build_policy(nonce=nonce))
    other = client.get("/")["Content-Security-Policy"]
    assert other != header, "each response has its own nonce"


def test_a_response_without_a_nonce_has_the_policy_without_one() -> None:
    _request, response = _run(lambda request: JsonResponse({}))
    assert "nonce-" not in response["Content-Security-Policy"]
    assert _directives(response["Content-Security-Policy"]) == _directives(build_policy())


def test_the_nonce_cannot_be_asked_for_after_the_header_is_written() -> None:
    from csp.exceptions import CSPNonceError

    request, _response = _run(lambda request: HttpResponse("no script"))
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)  # type: ignore[attr-defined]


def test_a_view_with_a_policy_of_its_own_gets_it() -> None:
    @csp_update({"img-src": ["https://images.example.org"]})
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")  # type: ignore[attr-defined]

    request, response = _run(view)
    header = response["Content-Security-Policy"]
    assert "https://images.example.org" in _directives(header)["img-src"]
    assert f"'nonce-{request._csp_nonce}'" in header  # type: ignore[attr-defined]


def test_changed_settings_are_honoured(settings: Any) -> None:
    _run(lambda request: HttpResponse(""))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    request, response = _run(lambda request: HttpResponse(str(request.csp_nonce)))  # type: ignore[attr-defined]
    assert _directives(response["Content-Security-Policy"]) == {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{request._csp_nonce}'",  # type: ignore[attr-defined]
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF]}}
    _request, response = _run(lambda request: HttpResponse(""))
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'"
