"""Headers that keep every page safe to visit on a shared or watched device."""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Callable
from typing import Any

import brotli
from asgiref.sync import iscoroutinefunction
from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from servestatic.middleware import ServeStaticMiddleware

ACCEPTS_BROTLI = re.compile(r"\bbr\b")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"


class SecurityHeadersMiddleware:
    """Adds the headers Django's SecurityMiddleware does not: Permissions-Policy.

    Sits above the static file middleware so static files get them too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreMiddleware:
    """Tells browsers to keep no copy of any page, so Back and history reveal nothing.

    Static files (served above this middleware) stay cacheable: they say nothing about a person.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
        return response


class CompressionMiddleware(GZipMiddleware):
    """Pages compressed for the way there: brotli where the browser accepts it, gzip otherwise.

    gzip is Django's own, with its BREACH mitigation (a random number of random bytes in each
    response's header, so its length gives no secret away). Brotli has no such header, so each
    brotli page ends in a comment of random length and content, which does the same. Django's
    per-request masking of the CSRF token stays as it is for both.
    """

    max_padding = 100

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not isinstance(response, HttpResponse) or not self._wants_brotli(request, response):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        padding = secrets.token_hex(secrets.randbelow(self.max_padding) + 1)  # no "--", which ends a comment
        compressed = brotli.compress(response.content + f"<!-- {padding} -->".encode(), quality=5)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        response["Content-Encoding"] = "br"
        if etag := response.get("ETag"):
            response["ETag"] = etag if etag.startswith("W/") else f"W/{etag}"
        return response

    @staticmethod
    def _wants_brotli(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            not response.streaming
            and not response.has_header("Content-Encoding")
            and response.get("Content-Type", "").startswith("text/html")
            and len(response.content) >= 200
            and bool(ACCEPTS_BROTLI.search(request.headers.get("Accept-Encoding", "")))
        )


class StaticFilesMiddleware(ServeStaticMiddleware):
    """ServeStatic's middleware, able to run synchronously as well.

    ServeStatic's own is async-only: under a WSGI server (gunicorn, which serves our pages) and
    above sync middleware, Django would switch between sync and async twice on every request
    just to ask whether the path is a static file (measured: 1.7 ms of a 2.8 ms page). This one
    runs in whichever mode the stack around it runs. In production nginx serves /static/ itself.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        is_async = iscoroutinefunction(get_response)

        async def placeholder(request: HttpRequest) -> HttpResponseBase:
            raise NotImplementedError

        super().__init__(get_response if is_async else placeholder)
        self.get_response = get_response  # type: ignore[assignment]
        self.is_async = is_async
        if not is_async:
            # Undo the coroutine mark ServeStatic's __init__ set, so Django calls us synchronously.
            with contextlib.suppress(AttributeError):
                del self._is_coroutine  # type: ignore[attr-defined]

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return super().__call__(request)
        static_file = self.find_file(request.path_info) if self.autorefresh else self.files.get(request.path_info)
        if static_file is None:
            return self.get_response(request)
        served = static_file.get_response(request.method or "GET", request.META)
        response = FileResponse(served.file) if served.file is not None else HttpResponse()
        response.status_code = int(served.status)
        del response["Content-Type"]
        for key, value in served.headers:
            if value is not None:
                response[key] = value
        return response


# A response that asks for a policy of its own (django-csp's decorators set these).
_OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
# Never a nonce: those are base64 (letters, digits, "+", "/", "=").
_NONCE_STAND_IN = "nonce-stand-in-~~"
# (policy with the stand-in nonce, policy without a nonce), built from settings once per process
_site_policy: list[tuple[str, str]] = []


@receiver(setting_changed)
def _forget_policy(**kwargs: Any) -> None:
    _site_policy.clear()


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's, with the site's policy built once per process and only the nonce put in.

    django-csp builds the header from settings on every response (the policy copied directive by
    directive, twice with the report-only one): about a twentieth of a signed-out page. The
    site's policy does not change while a process runs, so it is built once with a stand-in nonce
    that each response's own replaces. A response with a policy of its own, a report-only policy
    in settings, an excluded or exempt path and DEBUG's error pages take django-csp's own path.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        if (
            settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or policy.get("EXCLUDE_URL_PREFIXES")
            or getattr(response, "_csp_exempt", False)
            or CSP_HEADER in response
            or any(getattr(response, name, None) is not None for name in _OWN_POLICY)
        ):
            return super().process_response(request, response)
        if not _site_policy:
            _site_policy.append((build_policy(nonce=_NONCE_STAND_IN), build_policy()))
        with_nonce, without_nonce = _site_policy[0]
        nonce = getattr(request, "_csp_nonce", None)
        header = with_nonce.replace(_NONCE_STAND_IN, nonce) if nonce else without_nonce
        if header:
            response[CSP_HEADER] = header
        if nonce is None:
            # As django-csp does: a nonce asked for after the header is written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
