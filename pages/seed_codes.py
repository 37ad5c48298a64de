"""Emails, password and authenticator codes of the synthetic accounts from `manage.py seed_scale`.

Free of Django, so a load generator can sign in as seeded person N without the project loaded.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import time

SEED_DOMAIN = "seed.example.org"
SEED_PASSWORD = "seed scale password, synthetic data only"  # noqa: S105 (invented accounts only)


def seed_email(n: int, *, kind: str = "person") -> str:
    return f"{kind}{n}@{SEED_DOMAIN}"


def seed_totp_key(n: int, *, kind: str = "person") -> str:
    """The authenticator secret (40 hex digits) of seeded account N: anyone with N can make its codes."""
    return hashlib.sha256(f"mysupportspace-seed:{kind}:{n}".encode()).hexdigest()[:40]


def seed_code(n: int, *, kind: str = "person", at: float | None = None) -> str:
    """The six-digit code (RFC 6238, 30-second steps) seeded account N's authenticator shows now."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(seed_totp_key(n, kind=kind)), struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
