"""Live chat delivery latency: 100 conversations at once across 2 Daphne processes on Redis.

Run with `make bench` (or `python bench/chat_latency.py`; `--help` for the sizes). It needs Redis
(REDIS_URL) and says it is skipped without it. It builds a throw-away database (a test database
beside DATABASE_URL's, or a temporary SQLite file), starts chats between visitors and supporters,
starts two server processes, and connects every visitor to one server and their supporter to the
other. Each side then sends a message every few seconds (as slowly as people type, within the
chat's rate limits) and the time from sending to receipt on the other side is measured.

The floor is the same figure for a consumer that does nothing but relay text to its partner
(`RelayConsumer` below, served only here): the same servers, channel layer, Redis and client, in
the same run, without the chat's checks, database writes and encryption. Not a test: it prints
figures, so slow machines do not fail a build.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysupportspace.settings")
# Throw-away data needs no lasting key: use the configured one if any, else a fresh one.
os.environ.setdefault("DIARY_KEYRING", "bench:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
# A server process on SQLite is told the throw-away file through this variable.
SQLITE_VARIABLE = "BENCH_CHAT_SQLITE_PATH"
# Each run's own keys on Redis: groups left by an earlier run's chats (same numbers, new database) stay apart.
PREFIX_VARIABLE = "BENCH_CHAT_LAYER_PREFIX"
RELAY_PREFIX = "/ws/bench/relay/"
GOAL_P95_MS = 100.0
GOAL_TIMES_FLOOR = 3.0


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least `fraction` of them at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- A server process ------------------------------------------------------------------------


def _use_this_runs_settings() -> None:
    """Before django.setup(): this run's channel layer prefix, and (SQLite) its database file."""
    from django.conf import settings

    layer: dict[str, Any] = settings.CHANNEL_LAYERS["default"]
    layer.setdefault("CONFIG", {})["prefix"] = os.environ[PREFIX_VARIABLE]
    sqlite_path = os.environ.get(SQLITE_VARIABLE)
    if sqlite_path:
        settings.DATABASES["default"]["NAME"] = sqlite_path


def serve(port: int) -> None:
    """The site's whole ASGI application plus the relay consumer, served by Daphne on one port."""
    _use_this_runs_settings()
    import logging

    import django

    django.setup()
    logging.getLogger("daphne").setLevel(logging.ERROR)  # no start-up or shut-down chatter among the figures
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.routing import URLRouter
    from daphne.server import Server
    from django.urls import path

    from mysupportspace.asgi import application as site

    class RelayConsumer(AsyncWebsocketConsumer):
        """The floor: whatever one side sends, its partner (on either server) receives."""

        async def connect(self) -> None:
            self.pair = f"bench.relay.{self.scope['url_route']['kwargs']['pair']}"
            await self.channel_layer.group_add(self.pair, self.channel_name)
            await self.accept()

        async def disconnect(self, code: int) -> None:
            await self.channel_layer.group_discard(self.pair, self.channel_name)

        async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
            await self.channel_layer.group_send(
                self.pair, {"type": "relay.text", "text": text_data, "sender": self.channel_name}
            )

        async def relay_text(self, message: dict[str, Any]) -> None:
            if message["sender"] != self.channel_name:
                await self.send(text_data=message["text"])

    relay = URLRouter([path(f"{RELAY_PREFIX[1:]}<str:pair>/", RelayConsumer.as_asgi())])

    async def application(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket" and scope["path"].startswith(RELAY_PREFIX):
            await relay(scope, receive, send)
        else:
            await site(scope, receive, send)

    Server(
        application=application,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=True,
        verbosity=0,
    ).run()


# --- Setting up: database, people, chats, servers ------------------------------------------------


@dataclass
class Chat:
    conversation: int
    visitor_session: str
    supporter_session: str


def _session(data: dict[str, Any]) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session.update(data)
    session.create()
    return session.session_key or ""


def set_up_chats(count: int) -> list[Chat]:
    """`count` chats, each taken by a supporter (as many supporters as the per-supporter limit needs)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts import services as account_services
    from accounts.models import User
    from chat import services
    from chat.models import CHAT_SUPPORTERS_GROUP

    group, _ = Group.objects.get_or_create(name=CHAT_SUPPORTERS_GROUP)
    per_supporter = settings.CHAT_MAX_CHATS_PER_SUPPORTER
    chats: list[Chat] = []
    for number in range(math.ceil(count / per_supporter)):
        supporter = User.objects.create_user(email=f"supporter{number}@example.org", password=None, is_staff=True)
        supporter.groups.add(group)
        device, _ = account_services.set_up_two_factor(
            user=supporter, hex_key=account_services.new_totp_key(), verified_t=0
        )
        services.set_availability(supporter=supporter, available=True)
        staff_session = _session(
            {
                SESSION_KEY: str(supporter.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: supporter.get_session_auth_hash(),
                DEVICE_ID_SESSION_KEY: device.persistent_id,
            }
        )
        for _ in range(min(per_supporter, count - len(chats))):
            conversation = services.start_chat(
                nickname=f"Visitor {len(chats)}", at_risk=False, address=f"198.51.100.{len(chats) % 250}"
            )
            taken = services.take_next_chat(supporter=supporter)
            assert taken is not None and taken.pk == conversation.pk
            visitor_session = _session({services.VISITOR_SESSION_KEY: conversation.visitor_token})
            chats.append(Chat(conversation.pk, visitor_session, staff_session))
    return chats


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_servers(count: int, env: dict[str, str]) -> tuple[list[str], list[subprocess.Popen[bytes]]]:
    servers, processes = [], []
    for _ in range(count):
        port = _free_port()
        processes.append(
            subprocess.Popen([sys.executable, __file__, "serve", "--port", str(port)], cwd=ROOT, env=env)  # noqa: S603 (this script)
        )
        servers.append(f"127.0.0.1:{port}")
    for server, process in zip(servers, processes, strict=True):
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(tuple(server.split(":")), timeout=1).close()  # type: ignore[arg-type]
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server on {server} did not start") from None
                time.sleep(0.1)
    return servers, processes


# --- Measuring -----------------------------------------------------------------------------------


@dataclass
class Side:
    """One client socket: frames it is waiting for, by the token in their text."""

    connection: Any
    waiting: dict[str, asyncio.Future[float]] = field(default_factory=dict)

    async def read(self) -> None:
        async for raw in self.connection:
            frame = json.loads(raw) if raw.startswith("{") else {"type": "message", "text": raw}
            if frame.get("type") != "message":
                continue
            future = self.waiting.pop(frame.get("text", ""), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())


@dataclass
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    lost: int = 0


async def _connect(server: str, path: str, session_key: str | None = None) -> Side:
    from websockets.asyncio.client import connect

    headers = {"Cookie": f"sessionid={session_key}"} if session_key else {}
    connection = await connect(
        f"ws://{server}{path}",
        origin=f"http://{server}",  # type: ignore[arg-type]
        additional_headers=headers,
        open_timeout=30,
        max_queue=None,
    )
    return Side(connection)


async def _deliver(sender: Side, receiver: Side, frame: dict[str, Any] | None, token: str, run: Run | None) -> None:
    """Send one message and wait for it on the other side; `run` is None for the warm-up."""
    arrived: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    receiver.waiting[token] = arrived
    sent_at = time.perf_counter()
    await sender.connection.send(json.dumps({**frame, "text": token}) if frame is not None else token)
    try:
        received_at = await asyncio.wait_for(arrived, 10)
    except TimeoutError:
        receiver.waiting.pop(token, None)
        if run is not None:
            run.lost += 1
        return
    if run is not None:
        run.latencies_ms.append((received_at - sent_at) * 1000)


async def _converse(
    a: Side, b: Side, frame_a: dict[str, Any] | None, frame_b: dict[str, Any] | None, args: Any, run: Run
) -> None:
    """Both sides take turns, one message every `interval` seconds each, after one unmeasured round."""
    await asyncio.sleep(random.uniform(0, args.interval))  # noqa: S311 (not all at the same moment)
    for round_number in range(args.rounds + 1):
        measured = run if round_number else None
        await _deliver(a, b, frame_a, secrets.token_hex(8), measured)
        await asyncio.sleep(args.interval / 2)
        await _deliver(b, a, frame_b, secrets.token_hex(8), measured)
        await asyncio.sleep(args.interval / 2)


async def measure(kind: str, servers: list[str], chats: list[Chat], args: Any) -> Run:
    """Every pair at once: side a on one server, side b on the next."""
    run = Run()
    pairs: list[tuple[Side, Side, dict[str, Any] | None, dict[str, Any] | None]] = []
    for number, chat in enumerate(chats):
        first, second = servers[number % len(servers)], servers[(number + 1) % len(servers)]
        if kind == "floor":
            a = await _connect(first, f"{RELAY_PREFIX}{number}/")
            b = await _connect(second, f"{RELAY_PREFIX}{number}/")
            pairs.append((a, b, None, None))
        else:
            a = await _connect(first, "/ws/chat/", chat.visitor_session)
            b = await _connect(second, "/ws/chat/console/", chat.supporter_session)
            # As the page does on connecting: "I have seen nothing yet".
            await a.connection.send(json.dumps({"type": "resume", "last_seq": 0}))
            await b.connection.send(json.dumps({"type": "resume", "conversation": chat.conversation, "last_seq": 0}))
            pairs.append((a, b, {"type": "send"}, {"type": "send", "conversation": chat.conversation}))
    readers = [asyncio.create_task(side.read()) for a, b, _, _ in pairs for side in (a, b)]
    await asyncio.sleep(1)  # the resumes answered
    await asyncio.gather(*(_converse(a, b, frame_a, frame_b, args, run) for a, b, frame_a, frame_b in pairs))
    for a, b, _, _ in pairs:
        await a.connection.close()
        await b.connection.close()
    for reader in readers:
        reader.cancel()
    return run


# --- Reporting -----------------------------------------------------------------------------------


def _line(label: str, run: Run) -> str:
    samples = run.latencies_ms
    if not samples:
        return f"{label:<44} no messages arrived ({run.lost} lost)"
    figures = "".join(f"{percentile(samples, q):8.1f}" for q in (0.50, 0.95, 0.99))
    return f"{label:<44}{figures}{max(samples):8.1f}   {len(samples)} messages, {run.lost} lost"


def report(floor: Run, chat: Run) -> None:
    print(f"{'':<44}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}   (ms, send to receipt on the other side)")
    print(_line("floor: a bare relay consumer", floor))
    print(_line("chat: checked, stored encrypted, relayed", chat))
    if floor.latencies_ms and chat.latencies_ms:
        chat_p95, floor_p95 = percentile(chat.latencies_ms, 0.95), percentile(floor.latencies_ms, 0.95)
        ratio = chat_p95 / floor_p95 if floor_p95 else math.inf
        met = chat_p95 <= GOAL_P95_MS and ratio <= GOAL_TIMES_FLOOR
        print(
            f"chat p95 {chat_p95:.1f} ms is {ratio:.1f}x the floor's "
            f"(goal: at most {GOAL_P95_MS:.0f} ms and {GOAL_TIMES_FLOOR:.0f}x): {'met' if met else 'NOT met'}"
        )


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=10, help="measured messages each way per conversation")
    parser.add_argument("--interval", type=float, default=2.5, help="seconds between one side's messages")
    parser.add_argument("--servers", type=int, default=2)
    sub = parser.add_subparsers(dest="command")
    serve_parser = sub.add_parser("serve", help="(used by the bench itself) run one server process")
    serve_parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.port)
        return
    if not os.environ.get("REDIS_URL"):
        print("Chat latency: skipped. It needs Redis between its server processes: set REDIS_URL (and DATABASE_URL).")
        return

    os.environ[PREFIX_VARIABLE] = f"bench-chat-{secrets.token_hex(4)}"
    _use_this_runs_settings()
    import django

    django.setup()
    from django.db import connection

    env = dict(os.environ)
    scratch = tempfile.TemporaryDirectory(prefix="bench-chat-")
    if connection.vendor == "sqlite":
        sqlite_path = str(Path(scratch.name) / "chat.sqlite3")
        connection.settings_dict["TEST"]["NAME"] = sqlite_path
        env[SQLITE_VARIABLE] = sqlite_path
    else:
        # A database of its own, apart from the test suite's (which --reuse-db keeps).
        connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if connection.vendor != "sqlite":
            db = connection.settings_dict
            password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
            env["DATABASE_URL"] = (
                f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            )
        chats = set_up_chats(args.conversations)
        connection.close()  # the servers' turn (SQLite: nothing held open)
        servers, processes = start_servers(args.servers, env)
        print(
            f"Chat delivery latency: {args.conversations} conversations across {args.servers} Daphne processes "
            f"on Redis ({connection.vendor}), {args.rounds} measured messages each way each, one every "
            f"{args.interval:g} s per side"
        )
        print(f"Load average before (1, 5, 15 min): {_load()} on {os.cpu_count()} cores")
        floor = asyncio.run(measure("floor", servers, chats, args))
        chat = asyncio.run(measure("chat", servers, chats, args))
        print(f"Load average after: {_load()}")
        report(floor, chat)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        scratch.cleanup()


if __name__ == "__main__":
    main()
