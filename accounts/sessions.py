"""Sessions read from the cache and written through to the database, that keep working without the cache.

Django's ``cached_db`` store tolerates a failed cache write, but not a failed cache delete (so
signing out while Redis was down gave an error page), nor a failed check for a new key or a
failed refill after reading from the database. Here every cache step is best effort: the
database is the record, so with the cache away sessions are read from and written to the
database alone, and signing out always ends the session there.

A cached copy that could not be removed or updated while the cache was away could come back
when it returns (a Redis that was unreachable rather than restarted still holds it): this
process keeps those keys and removes them from the cache at its next session step that reaches
the cache. Until then, and at most for the session's idle age (the cached copy's lifetime), a
stale copy could be read; a browser that signed out no longer holds the cookie that names it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)

_stale_lock = threading.Lock()
# Cache keys whose cached copy may be out of date: removed from the cache once it answers again.
_stale_keys: set[str] = set()


def _remember_stale(cache_key: str) -> None:
    with _stale_lock:
        _stale_keys.add(cache_key)


class SessionStore(CachedDBStore):
    # Set or defined by Django's stores, not described by django-stubs.
    _cache: Any
    _session: dict[str, Any]
    _get_session_from_db: Callable[[], Any]

    def _cache_call(self, what: str, call: Any, *args: Any) -> tuple[bool, Any]:
        """Run one cache operation; (False, None) if the cache could not be reached."""
        self._forget_stale()
        try:
            result = call(*args)
        except Exception:
            logger.warning("Session cache unavailable (%s); using the database alone.", what)
            return False, None
        return True, result

    def _forget_stale(self) -> None:
        if not _stale_keys:
            return
        with _stale_lock:
            keys = list(_stale_keys)
        try:
            self._cache.delete_many(keys)
        except Exception:
            return
        with _stale_lock:
            _stale_keys.difference_update(keys)

    def load(self) -> dict[str, Any]:
        key = self.cache_key
        reached, data = self._cache_call("read", self._cache.get, key)
        if data is not None:
            return dict(data)
        found = self._get_session_from_db()
        if not found:
            return {}
        data = self.decode(found.session_data)
        if reached:
            self._cache_call("fill", self._cache.set, key, data, self.get_expiry_age(expiry=found.expire_date))
        return data

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        _, cached = self._cache_call("check", self._cache.has_key, self.cache_key_prefix + session_key)
        return bool(cached) or super(CachedDBStore, self).exists(session_key)

    def save(self, must_create: bool = False) -> None:
        super(CachedDBStore, self).save(must_create)
        key = self.cache_key
        reached, _ = self._cache_call("write", self._cache.set, key, self._session, self.get_expiry_age())
        if not reached:
            _remember_stale(key)

    def delete(self, session_key: str | None = None) -> None:
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        key = self.cache_key_prefix + session_key
        reached, _ = self._cache_call("delete", self._cache.delete, key)
        if not reached:
            _remember_stale(key)
