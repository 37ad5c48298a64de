"""A small fixed-window rate limit kept in Django's cache.

Why not django-ratelimit: the public forms need one rule ("so many posts per address per
window"), which is a dozen lines on ``cache.add`` + ``cache.incr``. Both are atomic on Redis
and on the in-memory cache (LocMem increments under a lock), so the same code is right in the
embedded default and with several processes sharing Redis; no extra package to keep up to date.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True while the count in this window is within ``limit``.

    With the cache unreachable (Redis down) the attempt is let through and not counted: a
    person asking for help is not refused because the counter is away for a moment.
    """
    window = int(time.time() // window_seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{window}:{digest}"
    try:
        cache.add(cache_key, 0, timeout=window_seconds + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:
            # The key expired between add and incr: this is the first attempt of a new window.
            cache.add(cache_key, 1, timeout=window_seconds + 5)
            count = 1
    except Exception:  # whatever the cache backend raises when it cannot be reached
        logger.warning("Rate limit %s not counted: the cache is unavailable.", scope)
        return True
    return count <= limit
