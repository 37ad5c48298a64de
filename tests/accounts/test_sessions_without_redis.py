"""Sessions while Redis is away: read from the database, and signing out always works and ends them."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client

from deploy.topology import RedisServer
from tests.factories import signed_in_client
from tests.redis_down import needs_redis_server, redis

pytestmark = needs_redis_server
__all__ = ["redis"]  # the fixture

CACHE_PREFIX = "django.contrib.sessions.cached_db"


def test_signing_out_while_redis_is_down_ends_the_session(alice: Any, redis: RedisServer) -> None:
    client = signed_in_client(alice)
    key = client.cookies["sessionid"].value
    assert caches["default"].get(CACHE_PREFIX + key) is not None  # read from Redis while it runs

    redis.stop()
    # Still signed in: the session is read from the database.
    assert client.get("/account/").status_code == 200
    response = client.post("/account/sign-out/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/account/").status_code == 302  # to the sign-in page


def test_a_cached_copy_left_while_redis_was_away_is_removed_when_it_returns(alice: Any, redis: RedisServer) -> None:
    client = signed_in_client(alice)
    key = client.cookies["sessionid"].value
    cached = caches["default"].get(CACHE_PREFIX + key)

    redis.stop()
    assert client.post("/account/sign-out/").status_code == 302

    # Redis comes back still holding the old copy (it was unreachable, not restarted empty).
    redis.start()
    caches["default"].set(CACHE_PREFIX + key, cached)
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get("/account/").status_code == 302
    assert caches["default"].get(CACHE_PREFIX + key) is None
