"""AES-256-GCM for private text at rest (diary entries, chat messages), under a keyring of named keys.

A keyring is ``DIARY_KEYRING``: ``id:key`` pairs separated by commas, newest first, each key
32 random bytes in base64 (``manage.py diary_new_key`` makes one). The newest key encrypts;
every key in the ring decrypts, so keys can be rotated without downtime: put a new key first,
run ``manage.py rotate_diary_keys``, then drop the old one.

A token is ``v1:<key id>:<base64url(nonce | ciphertext | tag)>`` with a random 96-bit nonce.
The caller's associated data (for rows: the table, the column and the owner's id) is
authenticated with the version and key id, so a token copied to another person's row, or
another column, does not open. Nothing here is derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

VERSION = "v1"
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptionError(Exception):
    """A token that cannot be opened: unknown version or key, or tampered with, or moved.

    The message never contains the token or any plaintext.
    """


@dataclass(frozen=True)
class Keyring:
    current_id: str
    ciphers: dict[str, AESGCM]

    def seal(self, plaintext: bytes, *, aad: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.ciphers[self.current_id].encrypt(nonce, plaintext, _header(self.current_id) + aad)
        return f"{VERSION}:{self.current_id}:{_b64encode(nonce + sealed)}"

    def open(self, token: str, *, aad: bytes) -> bytes:
        version, key_id, body = _split(token)
        if version != VERSION:
            raise DecryptionError("Unknown token version.")
        cipher = self.ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(f"No key {key_id!r} in DIARY_KEYRING.")
        try:
            raw = _b64decode(body)
        except (binascii.Error, ValueError):
            raise DecryptionError("Malformed token.") from None
        if len(raw) < NONCE_BYTES + 16:
            raise DecryptionError("Malformed token.")
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _header(key_id) + aad)
        except InvalidTag:
            raise DecryptionError("Token does not authenticate: wrong key, wrong owner or altered.") from None


def key_id_of(token: str) -> str:
    return _split(token)[1]


def keyring() -> Keyring:
    """The configured keyring; loud when there is none, since nothing can be read or written."""
    value = getattr(settings, "DIARY_KEYRING", "")
    if not value:
        raise ImproperlyConfigured(
            "DIARY_KEYRING is not set, so diary entries and chat messages can be neither written nor read. "
            "`make run` keeps one in var/diary_keyring; elsewhere set DIARY_KEYRING to the output of "
            "`manage.py diary_new_key` (and keep it safe: without it the diary and chats cannot be read)."
        )
    return parse_keyring(value)


@lru_cache(maxsize=8)
def parse_keyring(value: str) -> Keyring:
    """Parse ``id:base64key,id2:base64key`` (newest first). Error messages never include a key."""
    ciphers: dict[str, AESGCM] = {}
    for position, item in enumerate(value.split(","), start=1):
        key_id, separator, encoded = item.strip().partition(":")
        if not separator or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"DIARY_KEYRING entry {position} must look like id:base64key, with an id of letters, digits, - or _."
            )
        if key_id in ciphers:
            raise ImproperlyConfigured(f"DIARY_KEYRING names key {key_id!r} twice.")
        try:
            key = _b64decode(encoded.strip())
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"DIARY_KEYRING key {key_id!r} is not valid base64.") from None
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(f"DIARY_KEYRING key {key_id!r} must be {KEY_BYTES} bytes, not {len(key)}.")
        ciphers[key_id] = AESGCM(key)
    return Keyring(current_id=next(iter(ciphers)), ciphers=ciphers)


def new_key_entry() -> str:
    """A fresh ``id:key`` entry for the front of DIARY_KEYRING."""
    key_id = f"k{timezone.now():%Y%m%d}{secrets.token_hex(2)}"
    return f"{key_id}:{_b64encode(secrets.token_bytes(KEY_BYTES))}"


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(":", 2)
    if len(parts) != 3:
        raise DecryptionError("Malformed token.")
    return parts[0], parts[1], parts[2]


def _header(key_id: str) -> bytes:
    return f"{VERSION}:{key_id}:".encode()


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    """Standard or URL-safe base64, padded or not; anything else is an error, not silently dropped."""
    text = text.replace("-", "+").replace("_", "/").rstrip("=")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
