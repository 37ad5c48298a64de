"""Static files storage whose addresses are worked out once per file, not on every page."""

from __future__ import annotations

from servestatic.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """ServeStatic's hashed, compressed storage, remembering each file's address.

    The manifest is read once when the process starts, so a name's hashed address cannot change
    while it runs; with DEBUG on (no manifest in use) nothing is remembered.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        from django.conf import settings

        if force or settings.DEBUG or name is None:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url
