"""The websockets, through the whole ASGI application (origin check, session), on the in-memory
channel layer and, when REDIS_URL is set, on Redis."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY

from chat import services
from chat.models import CHAT_SUPERVISORS_GROUP, EndReason, Message, State, SupporterStatus
from tests.chat.conftest import make_supporter, start
from tests.factories import make_user, signed_in_client, totp_device

LAYERS = {
    "memory": {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
    "redis": {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ.get("REDIS_URL", "")], "prefix": "test-chat"},
        }
    },
}


@pytest.fixture(params=["memory", "redis"])
def layer(request: Any, settings: Any, transactional_db: None) -> Iterator[str]:
    if request.param == "redis" and not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set")
    settings.CHANNEL_LAYERS = LAYERS[request.param]
    channel_layers.backends.clear()
    yield request.param
    channel_layers.backends.clear()


def _session(data: dict[str, Any]) -> str:
    session = SessionStore()
    session.update(data)
    session.create()
    return session.session_key or ""


def visitor_session(conversation: Any) -> str:
    return _session({services.VISITOR_SESSION_KEY: conversation.visitor_token})


def staff_session(user: Any, *, verified: bool = True) -> str:
    data = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    if verified:
        data[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    return _session(data)


def socket(path: str, session_key: str, *, origin: str = "http://localhost") -> WebsocketCommunicator:
    from mysupportspace.asgi import application

    headers = [(b"origin", origin.encode()), (b"host", b"localhost"), (b"cookie", f"sessionid={session_key}".encode())]
    return WebsocketCommunicator(application, path, headers=headers)


async def receive(
    communicator: WebsocketCommunicator, *, kind: str | None = None, timeout: float = 3
) -> dict[str, Any]:
    """The next frame (of this type, skipping others)."""
    while True:
        frame = json.loads(await communicator.receive_from(timeout=timeout))
        if kind is None or frame["type"] == kind:
            return frame


def run(test: Callable[[], Awaitable[None]]) -> None:
    async_to_sync(test)()


# --- Who may connect ---


def test_a_visitor_without_a_chat_and_a_foreign_origin_are_refused(layer: str, supporter: Any) -> None:
    conversation = start()

    async def go() -> None:
        nobody = socket("/ws/chat/", await sync_to_async(_session)({}))
        connected, _ = await nobody.connect()
        assert not connected
        foreign = socket("/ws/chat/", await sync_to_async(visitor_session)(conversation), origin="https://evil.example")
        connected, _ = await foreign.connect()
        assert not connected
        own = socket("/ws/chat/", await sync_to_async(visitor_session)(conversation))
        connected, _ = await own.connect()
        assert connected
        await own.disconnect()

    run(go)


def test_the_console_refuses_outsiders_unverified_staff_and_staff_outside_the_chat_groups(
    layer: str, supporter: Any
) -> None:
    outsider = make_user("charlie@example.org")
    other_staff = make_user("editor@example.org", is_staff=True)

    async def go() -> None:
        for key in [
            await sync_to_async(staff_session)(outsider),
            await sync_to_async(staff_session)(other_staff),
            await sync_to_async(staff_session)(supporter, verified=False),
            await sync_to_async(_session)({}),
        ]:
            communicator = socket("/ws/chat/console/", key)
            connected, _ = await communicator.connect()
            assert not connected
        communicator = socket("/ws/chat/console/", await sync_to_async(staff_session)(supporter))
        connected, _ = await communicator.connect()
        assert connected
        await communicator.disconnect()

    run(go)


def test_a_device_of_another_user_in_the_session_does_not_verify(layer: str, supporter: Any) -> None:
    charlie = make_user("charlie@example.org")
    key = _session(
        {
            SESSION_KEY: str(supporter.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: supporter.get_session_auth_hash(),
            DEVICE_ID_SESSION_KEY: totp_device(charlie).persistent_id,
        }
    )

    async def go() -> None:
        connected, _ = await socket("/ws/chat/console/", key).connect()
        assert not connected

    run(go)


# --- Talking ---


def test_visitor_and_supporter_talk_both_ways_with_typing_and_the_end(layer: str, supporter: Any) -> None:
    conversation = start()

    async def go() -> None:
        visitor = socket("/ws/chat/", await sync_to_async(visitor_session)(conversation))
        assert (await visitor.connect())[0]
        await visitor.send_json_to({"type": "resume", "last_seq": 0})
        waiting = await receive(visitor, kind="state")
        assert (waiting["state"], waiting["position"]) == ("waiting", 1)

        console = socket("/ws/chat/console/", await sync_to_async(staff_session)(supporter))
        assert (await console.connect())[0]
        await database_sync_to_async(services.take_next_chat)(supporter=supporter)
        assert (await receive(console, kind="assigned"))["conversation"] == conversation.pk
        assert (await receive(visitor, kind="message"))["text"] == "A supporter has joined the chat."
        assert (await receive(visitor, kind="state"))["state"] == "active"

        await visitor.send_json_to({"type": "send", "text": "Hello, is anyone there?"})
        assert (await receive(visitor, kind="sent"))["seq"] == 2
        heard = await receive(console, kind="message")
        assert (heard["conversation"], heard["text"], heard["sender"]) == (
            conversation.pk,
            "Hello, is anyone there?",
            "visitor",
        )

        await console.send_json_to({"type": "typing", "conversation": conversation.pk})
        assert (await receive(visitor, kind="typing"))["sender"] == "supporter"
        await console.send_json_to({"type": "send", "conversation": conversation.pk, "text": "Yes, I am here"})
        assert (await receive(visitor, kind="message"))["text"] == "Yes, I am here"

        await database_sync_to_async(services.end_chat_on_quick_exit)(visitor_token=conversation.visitor_token)
        left = await receive(console, kind="state")
        assert (left["state"], left["reason"]) == ("ended", EndReason.QUICK_EXIT)
        assert left["reason_text"] == "Left using quick exit: do not try to contact them"
        await visitor.disconnect()
        await console.disconnect()

    run(go)


def test_a_reconnect_gets_what_was_sent_meanwhile_once(layer: str, supporter: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)
    services.send_visitor_message(conversation=conversation, text="First")

    async def go() -> None:
        key = await sync_to_async(visitor_session)(conversation)
        visitor = socket("/ws/chat/", key)
        await visitor.connect()
        await visitor.send_json_to({"type": "resume", "last_seq": 0})
        seen = [(await receive(visitor, kind="message"))["seq"] for _ in range(2)]
        assert seen == [1, 2]
        await visitor.disconnect()
        # While the phone sleeps, the supporter writes twice.
        for text in ("While you were away", "Are you still there?"):
            await database_sync_to_async(services.send_supporter_message)(
                conversation=conversation, supporter=supporter, text=text
            )
        visitor = socket("/ws/chat/", key)
        await visitor.connect()
        await visitor.send_json_to({"type": "resume", "last_seq": 2})
        resent = [await receive(visitor, kind="message") for _ in range(2)]
        assert [(m["seq"], m["text"]) for m in resent] == [(3, "While you were away"), (4, "Are you still there?")]
        assert (await receive(visitor))["type"] == "state"
        assert await visitor.receive_nothing(timeout=0.3)
        await visitor.disconnect()

    run(go)


def test_bad_frames_get_an_error_frame_and_are_not_stored(layer: str, supporter: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)

    async def go() -> None:
        visitor = socket("/ws/chat/", await sync_to_async(visitor_session)(conversation))
        await visitor.connect()
        for bad in ["not json", "[1, 2]", json.dumps({"type": "delete_everything"}), "x" * 20000]:
            await visitor.send_to(text_data=bad)
            assert (await receive(visitor))["code"] == "bad_frame"
        await visitor.send_json_to({"type": "send", "text": "y" * 2001})
        assert (await receive(visitor))["code"] == "too_long"
        await visitor.send_json_to({"type": "send", "text": {"html": "<b>"}})
        assert (await receive(visitor))["code"] == "empty"
        await visitor.disconnect()

    run(go)
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_messages_sent_too_fast_are_refused(layer: str, supporter: Any) -> None:
    conversation = start()
    services.take_next_chat(supporter=supporter)

    async def go() -> None:
        visitor = socket("/ws/chat/", await sync_to_async(visitor_session)(conversation))
        await visitor.connect()
        codes = []
        for number in range(7):
            await visitor.send_json_to({"type": "send", "text": f"Message {number}"})
            frame = await receive(visitor)
            while frame["type"] == "message":
                frame = await receive(visitor)
            codes.append(frame.get("code", frame["type"]))
        assert codes[:5] == ["sent"] * 5 and codes[5:] == ["too_fast", "too_fast"]
        await visitor.disconnect()

    run(go)
    assert Message.objects.filter(conversation=conversation).count() == 1 + 5


def test_a_supporter_cannot_write_into_someone_elses_chat(layer: str, supporter: Any) -> None:
    dana = make_supporter("dana@example.org")
    conversation = start()
    services.take_next_chat(supporter=supporter)

    async def go() -> None:
        console = socket("/ws/chat/console/", await sync_to_async(staff_session)(dana))
        await console.connect()
        await console.send_json_to({"type": "send", "conversation": conversation.pk, "text": "Hi"})
        assert (await receive(console, kind="error"))["code"] == "not_found"
        await console.send_json_to({"type": "resume", "conversation": conversation.pk, "last_seq": 0})
        assert (await receive(console, kind="error"))["code"] == "not_found"
        await console.disconnect()

    run(go)
    conversation.refresh_from_db()
    assert conversation.state == State.ACTIVE and conversation.last_seq == 1


def test_a_supporter_whose_last_console_closes_is_set_away_and_the_board_says_so(
    layer: str, supporter: Any, settings: Any
) -> None:
    settings.CHAT_CONSOLE_AWAY_AFTER_SECONDS = 0
    supervisor = make_supporter("sue@example.org", group=CHAT_SUPERVISORS_GROUP, available=False)

    def is_available() -> bool:
        return SupporterStatus.objects.get(supporter=supporter).is_available

    async def go() -> None:
        key = await sync_to_async(staff_session)(supporter)
        console = socket("/ws/chat/console/", key)
        chat_page = socket("/ws/chat/console/", key)
        assert (await console.connect())[0] and (await chat_page.connect())[0]
        await console.disconnect()
        await asyncio.sleep(0.5)
        assert await database_sync_to_async(is_available)()  # the chat page is still open
        await chat_page.disconnect()
        for _ in range(50):
            if not await database_sync_to_async(is_available)():
                break
            await asyncio.sleep(0.1)
        assert not await database_sync_to_async(is_available)()

    run(go)
    board = signed_in_client(supervisor).get("/staff/chat/board/").content.decode()
    assert 'bob@example.org</td><td class="govuk-table__cell">Away' in board
    assert services.availability().supporters_available == 0


def test_a_waiting_visitor_hears_when_the_queue_moves(layer: str, supporter: Any) -> None:
    ahead = start("Ahead")
    behind = start("Behind")

    async def go() -> None:
        visitor = socket("/ws/chat/", await sync_to_async(visitor_session)(behind))
        await visitor.connect()
        await visitor.send_json_to({"type": "resume", "last_seq": 0})
        assert (await receive(visitor, kind="state"))["position"] == 2
        await database_sync_to_async(services.take_next_chat)(supporter=supporter)
        assert (await receive(visitor, kind="state"))["position"] == 1
        await visitor.disconnect()

    run(go)
    assert ahead.pk
