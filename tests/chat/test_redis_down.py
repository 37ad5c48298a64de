"""With Redis (the channel layer) down, a chat still starts and is taken: only the live update waits."""

from __future__ import annotations

import pytest
from django.test import Client

from chat.models import State
from deploy.topology import RedisServer
from tests.chat.conftest import start
from tests.redis_down import needs_redis_server, redis

pytestmark = needs_redis_server
__all__ = ["redis"]  # the fixture


@pytest.mark.django_db(transaction=True)  # the live update is sent after commit
def test_a_supporter_takes_a_chat_while_redis_is_down(supporter_client: Client, redis: RedisServer) -> None:
    conversation = start("Sam")
    redis.stop()
    response = supporter_client.post("/staff/chat/take/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/chat/{conversation.pk}/"
    conversation.refresh_from_db()
    assert conversation.state == State.ACTIVE
