"""Diary tests run with their own keyring: two fixed test keys, the first one current."""

from __future__ import annotations

import base64
from typing import Any

import pytest

OLD_KEY = "old:" + base64.urlsafe_b64encode(bytes(range(32))).decode()
NEW_KEY = "new:" + base64.urlsafe_b64encode(bytes(range(32, 64))).decode()
MARKER = "Marmalade-Zeppelin-4417"


@pytest.fixture(autouse=True)
def diary_keyring(settings: Any) -> str:
    settings.DIARY_KEYRING = OLD_KEY
    return OLD_KEY
