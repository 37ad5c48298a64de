"""A redis-server of a test's own as the cache and channel layer, which the test can stop and start."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from deploy.topology import REDIS_SERVER, RedisServer

needs_redis_server = pytest.mark.skipif(not shutil.which(REDIS_SERVER), reason="needs redis-server")


@pytest.fixture
def redis(settings: Any) -> Iterator[RedisServer]:
    from channels.layers import channel_layers

    server = RedisServer()
    server.start()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url}}
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [server.url]}}
    }
    settings.SESSION_ENGINE = "accounts.sessions"
    channel_layers.backends.clear()
    try:
        yield server
    finally:
        server.stop()
        channel_layers.backends.clear()
