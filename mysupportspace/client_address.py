"""The visitor's own network address, worked out in one place from the proxy settings.

Every rate limit, sign-in record and block asks this function, never ``REMOTE_ADDR`` or
``X-Forwarded-For`` directly. With ``PROXY_COUNT = 0`` (no proxy) the connecting address is
the visitor's. Behind ``PROXY_COUNT`` trusted proxies, each of which appends the address it
saw to ``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``), the visitor's address is
the entry that the outermost trusted proxy appended: ``PROXY_COUNT`` places from the right.
Anything to the left of it was written by the visitor and can be forged, so it is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings

UNKNOWN = "unknown"


def _valid(candidate: str) -> str | None:
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


def address_from(meta: Mapping[str, Any], *, proxy_count: int) -> str:
    """The visitor's address from a request's META (or an ASGI scope turned into one)."""
    direct = _valid(str(meta.get("REMOTE_ADDR") or "")) or UNKNOWN
    if proxy_count <= 0:
        return direct
    forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part.strip()]
    if len(forwarded) < proxy_count:
        # The proxy in front did not add its entry: misconfigured, or reached around the proxy.
        return direct
    return _valid(forwarded[-proxy_count]) or direct


def client_address(request: Any) -> str:
    """The address of whoever sent ``request`` (a Django HttpRequest)."""
    return address_from(request.META, proxy_count=settings.PROXY_COUNT)


def scope_address(scope: Mapping[str, Any]) -> str:
    """The same, for a websocket's ASGI scope (whose headers are byte pairs)."""
    forwarded = b", ".join(value for name, value in scope.get("headers") or [] if name.lower() == b"x-forwarded-for")
    client = scope.get("client") or ("", 0)
    meta = {"REMOTE_ADDR": client[0], "HTTP_X_FORWARDED_FOR": forwarded.decode("latin-1")}
    return address_from(meta, proxy_count=settings.PROXY_COUNT)
