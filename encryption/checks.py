"""Start-up checks: neither the diary nor the chat can work without the keyring."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

_MISSING = (
    "DIARY_KEYRING is not set, so diary entries and chat messages can be neither written nor read.",
    "Set DIARY_KEYRING to the output of `manage.py diary_new_key` (`make run` keeps one in var/diary_keyring).",
)


def keyring_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DIARY_KEYRING:
        return []
    return [checks.Warning(_MISSING[0], hint=_MISSING[1], id="encryption.W001")]


def keyring_is_set_for_deployment(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DIARY_KEYRING:
        return []
    return [checks.Error(_MISSING[0], hint=_MISSING[1], id="encryption.E001")]


def register() -> None:
    checks.register(keyring_is_set)
    checks.register(keyring_is_set_for_deployment, checks.Tags.security, deploy=True)
