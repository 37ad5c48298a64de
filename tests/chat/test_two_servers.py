"""Two real Daphne processes sharing one Redis and the PostgreSQL test database: a visitor connected
to one and a supporter connected to the other talk, and a visitor who comes back on the other server
gets what they missed, once.

The servers must open the test database too, so this needs PostgreSQL (DATABASE_URL) as well as
Redis (REDIS_URL); the in-memory SQLite test database cannot be shared with another process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from websockets.asyncio.client import ClientConnection, connect

from chat import services
from chat.models import Message, Sender
from tests.chat.conftest import start
from tests.chat.test_consumers import staff_session, visitor_session

pytestmark = pytest.mark.django_db(transaction=True)

# channels-redis waits up to 5 s for each message from Redis; a chat is often quieter than that.
QUIET_SECONDS = 7


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], log: Any) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise AssertionError(f"Daphne on port {port} did not start:\n{log.read().decode()}") from None
            time.sleep(0.1)


@pytest.fixture
def two_servers(settings: Any) -> Iterator[list[str]]:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("two chat servers need Redis between them: set REDIS_URL (and DATABASE_URL) to run this")
    if connection.vendor != "postgresql":
        pytest.skip("two chat servers need a test database they can both open: set DATABASE_URL to PostgreSQL")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DIARY_KEYRING": settings.DIARY_KEYRING,
    }
    started: list[tuple[subprocess.Popen[bytes], Any]] = []
    urls = []
    with contextlib.ExitStack() as logs:
        try:
            for _ in range(2):
                port = _free_port()
                log = logs.enter_context(tempfile.TemporaryFile())
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "mysupportspace.asgi:application",
                    ],
                    cwd=django_settings.BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                started.append((process, log))
                _wait_until_listening(port, process, log)
                urls.append(f"127.0.0.1:{port}")
            yield urls
        finally:
            for number, (process, log) in enumerate(started, 1):
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
                log.seek(0)
                print(f"--- server {number} ---\n{log.read().decode()}")  # shown when the test fails


class Socket:
    """A websocket client that hands out frames by type, keeping the others for later asks."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.unread: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, server: str, path: str, session_key: str) -> Socket:
        connection = await connect(
            f"ws://{server}{path}",
            origin=f"http://{server}",  # type: ignore[arg-type]
            additional_headers={"Cookie": f"sessionid={session_key}"},
            open_timeout=10,
        )
        return cls(connection)

    async def send(self, **frame: Any) -> None:
        await self.connection.send(json.dumps(frame))

    async def next(self, kind: str, *, timeout: float = 10, **fields: Any) -> dict[str, Any]:
        """The first frame of this type (with these fields), read before or now."""

        def wanted(frame: dict[str, Any]) -> bool:
            return frame["type"] == kind and all(frame.get(key) == value for key, value in fields.items())

        for frame in self.unread:
            if wanted(frame):
                self.unread.remove(frame)
                return frame
        while True:
            frame = json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
            if wanted(frame):
                return frame
            self.unread.append(frame)

    async def close(self) -> None:
        await self.connection.close()


def test_a_visitor_on_one_server_and_a_supporter_on_the_other_talk(two_servers: list[str], supporter: Any) -> None:
    server_a, server_b = two_servers
    conversation = start("Sam")
    visitor_key = visitor_session(conversation)
    staff_key = staff_session(supporter)
    loop = asyncio.new_event_loop()
    run = loop.run_until_complete

    try:
        visitor = run(Socket.open(server_a, "/ws/chat/", visitor_key))
        console = run(Socket.open(server_b, "/ws/chat/console/", staff_key))
        run(visitor.send(type="resume", last_seq=0))
        assert run(visitor.next("state"))["state"] == "waiting"
        # A quiet spell longer than the layer's blocking read from Redis (5 s): both sockets stay up.
        run(asyncio.sleep(QUIET_SECONDS))

        # Taken through the same service as the console's button: the visitor on A hears of it
        # through Redis, and B's console joins the chat.
        services.take_next_chat(supporter=supporter)
        assert run(console.next("assigned"))["conversation"] == conversation.pk
        assert run(visitor.next("state"))["state"] == "active"
        run(visitor.next("message", sender=Sender.SYSTEM))  # "A supporter has joined the chat."

        # Visitor on A to supporter on B.
        run(visitor.send(type="send", text="Hello from server A", client_id="v1"))
        assert run(visitor.next("sent"))["client_id"] == "v1"
        heard = run(console.next("message", sender=Sender.VISITOR))
        assert (heard["conversation"], heard["sender"], heard["text"]) == (
            conversation.pk,
            Sender.VISITOR,
            "Hello from server A",
        )

        # Supporter on B to visitor on A, with the typing hint first.
        run(console.send(type="typing", conversation=conversation.pk))
        assert run(visitor.next("typing"))["sender"] == Sender.SUPPORTER
        run(console.send(type="send", conversation=conversation.pk, text="Hello from B"))
        heard = run(visitor.next("message", sender=Sender.SUPPORTER))
        assert (heard["sender"], heard["text"]) == (Sender.SUPPORTER, "Hello from B")
        last_seen = heard["seq"]

        # The visitor's connection drops; the supporter goes on; the visitor comes back on server B.
        run(visitor.close())
        run(console.send(type="send", conversation=conversation.pk, text="Still here", client_id="s2"))
        assert run(console.next("sent", client_id="s2"))["seq"] == last_seen + 1
        visitor = run(Socket.open(server_b, "/ws/chat/", visitor_key))
        run(visitor.send(type="resume", last_seq=last_seen))
        missed = run(visitor.next("message"))
        assert (missed["seq"], missed["text"]) == (last_seen + 1, "Still here")
        assert run(visitor.next("state"))["state"] == "active"  # after the missed messages, nothing again

        # And now the console, on B too, hears the visitor through the same server.
        run(visitor.send(type="send", text="Back again"))
        assert run(console.next("message", sender=Sender.VISITOR))["text"] == "Back again"
        run(visitor.close())
        run(console.close())
    finally:
        loop.close()

    stored = Message.objects.filter(conversation=conversation).order_by("seq")
    assert [(message.sender, message.text) for message in stored] == [
        (Sender.SYSTEM, "A supporter has joined the chat."),
        (Sender.VISITOR, "Hello from server A"),
        (Sender.SUPPORTER, "Hello from B"),
        (Sender.SUPPORTER, "Still here"),
        (Sender.VISITOR, "Back again"),
    ]
