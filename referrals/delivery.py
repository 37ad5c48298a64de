"""Posting a hand-off to an outside system: signed JSON over HTTP(S), one attempt at a time.

The receiver checks ``X-Signature-256`` (``sha256=`` + hex HMAC-SHA256 of
``<X-Signature-Timestamp>.<body>`` with the shared secret) and drops repeats by ``Idempotency-Key``,
which stays the same for every attempt of one hand-off.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would drop the body or send it somewhere unchecked: count it as a refusal."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True)
class AttemptResult:
    delivered: bool
    # Worth trying again later: the network failed, the receiver timed out or answered 5xx.
    retryable: bool
    status_code: int | None
    error: str


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def post_signed_json(
    *, url: str, payload: dict[str, Any], idempotency_key: str, secret: str, timeout: float
) -> AttemptResult:
    body = encode(payload)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (the URL comes from settings, which allow only http(s))
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": idempotency_key,
            "X-Signature-Timestamp": timestamp,
            "X-Signature-256": signature(secret=secret, timestamp=timestamp, body=body),
            "User-Agent": "handoff-delivery/1",
        },
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except TimeoutError:
        return AttemptResult(delivered=False, retryable=True, status_code=None, error="Timed out")
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            return AttemptResult(delivered=False, retryable=True, status_code=None, error="Timed out")
        return AttemptResult(delivered=False, retryable=True, status_code=None, error=f"Network error: {reason}"[:200])
    if 200 <= status < 300:
        return AttemptResult(delivered=True, retryable=False, status_code=status, error="")
    # A 4xx means this request will never be accepted as it is: trying again would only repeat it.
    retryable = status >= 500 or status in {408, 429}
    return AttemptResult(delivered=False, retryable=retryable, status_code=status, error=f"Answered HTTP {status}")
