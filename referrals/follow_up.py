"""A way back in for someone who asked for help without an account.

The confirmation page gives them a private key, once: as a link to keep and as characters to
write down. Only its SHA-256 is stored, so a copy of the database cannot be used to open anyone's
request. The key says nothing about the person or the request (it is random, 20 characters from
an alphabet without vowels or look-alikes: about 96 bits), works for as long as the request is kept,
and opening it lets this browser session see that one request and change or withdraw it, or ask again.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.sessions.backends.base import SessionBase

# No vowels (the key never spells a word) and no 0/O, 1/I/L look-alikes.
ALPHABET = "23456789BCDFGHJKMNPQRSTVWXZ"
KEY_LENGTH = 20
SESSION_KEY = "referrals_requests_opened_by_key"


def new_key() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(KEY_LENGTH))


def normalised(key: str) -> str:
    """The key as typed: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (key or "").upper() if ch.isalnum())[: KEY_LENGTH + 10]


def digest(key: str) -> str:
    return hashlib.sha256(normalised(key).encode()).hexdigest()


def looks_like_a_key(key: str) -> bool:
    key = normalised(key)
    return len(key) == KEY_LENGTH and all(ch in ALPHABET for ch in key)


def written(key: str) -> str:
    """The key in groups of four, easier to copy by hand: ``BCDF-...``."""
    key = normalised(key)
    return "-".join(key[index : index + 4] for index in range(0, len(key), 4))


def let_session_see(session: SessionBase, pk: int) -> None:
    opened = [value for value in session.get(SESSION_KEY, []) if value != pk]
    session[SESSION_KEY] = [*opened[-19:], pk]


def session_may_see(session: SessionBase, pk: int) -> bool:
    return pk in session.get(SESSION_KEY, [])
