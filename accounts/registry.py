"""Where each app says what it holds about a person, for "download my data" and "delete my account".

An app registers in its ``AppConfig.ready()``::

    from accounts import registry
    registry.register_export("diary", diary.services.export_for)
    registry.register_erasure("diary", diary.services.erase_for)

An exporter returns plain JSON-able data (dicts, lists, strings, numbers) for one person.
An eraser deletes what the database would not delete by itself when the user row goes
(anything not reached by an ``on_delete=CASCADE`` foreign key to the user, files, caches).
Erasers run inside the same transaction as the account deletion, before the user row is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User

Exporter = Callable[["User"], Any]
Eraser = Callable[["User"], None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def register_export(section: str, exporter: Exporter) -> None:
    if section in _exporters and _exporters[section] is not exporter:
        raise ValueError(f"An exporter for {section!r} is already registered.")
    _exporters[section] = exporter


def register_erasure(section: str, eraser: Eraser) -> None:
    if section in _erasers and _erasers[section] is not eraser:
        raise ValueError(f"An eraser for {section!r} is already registered.")
    _erasers[section] = eraser


def exporters() -> dict[str, Exporter]:
    return dict(sorted(_exporters.items()))


def erasers() -> dict[str, Eraser]:
    return dict(sorted(_erasers.items()))
