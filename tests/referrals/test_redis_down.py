"""With Redis (the rate limits' counter) down, a request for help is still taken."""

from __future__ import annotations

from typing import Any

from deploy.topology import RedisServer
from referrals.models import SupportRequest
from tests.factories import signed_in_client
from tests.redis_down import needs_redis_server, redis
from tests.referrals.conftest import request_form

pytestmark = needs_redis_server
__all__ = ["redis"]  # the fixture


def test_an_out_of_hours_request_is_taken_while_redis_is_down(alice: Any, redis: RedisServer) -> None:
    client = signed_in_client(alice)
    redis.stop()
    response = client.post("/get-support/out-of-hours/", request_form(name="Sam"))
    assert response.status_code == 302
    assert SupportRequest.objects.count() == 1
