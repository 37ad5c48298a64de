"""Read settings from environment variables, loudly rejecting values we do not understand."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str = "", *, schemes: tuple[str, ...] = ("https", "http")) -> str:
    value = env_str(name, default)
    if value and not value.startswith(tuple(f"{scheme}://" for scheme in schemes)):
        raise ImproperlyConfigured(f"{name} must start with one of {', '.join(schemes)}://, not {value!r}.")
    return value


def env_mapping(name: str) -> dict[str, list[str]]:
    """``key=value value;key2=value``: each key to its space- or comma-separated values."""
    raw = os.environ.get(name, "").strip()
    mapping: dict[str, list[str]] = {}
    for part in (item.strip() for item in raw.split(";")):
        if not part:
            continue
        key, sep, values = part.partition("=")
        if not sep or not key.strip() or not values.strip():
            raise ImproperlyConfigured(f"{name} must look like key=value;key2=value, not {raw!r}.")
        mapping[key.strip()] = values.replace(",", " ").split()
    return mapping
