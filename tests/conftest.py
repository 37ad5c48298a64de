"""Shared fixtures: personas, a fast password hasher, and a live server for browser tests."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import ThreadSensitiveContext
from django.core.cache import cache
from django.db import connections
from django.test.testcases import LiveServerThread

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
HAS_CHROMIUM = bool(shutil.which(CHROMIUM))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run whenever Chromium is present; CI sets REQUIRE_BROWSER=1 so they never vanish.

    They run last: Playwright keeps an event loop running in the main thread for the rest of
    the session, which other tests (async_to_sync, subprocesses checking the environment) must not see.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if HAS_CHROMIUM:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        if any(item.get_closest_marker("browser") for item in items):
            raise pytest.UsageError(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}: browser tests would be skipped.")
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Rate limits and lock-outs live in the cache; each test starts with none.
    cache.clear()


@pytest.fixture
def server_url(transactional_db: None) -> Iterator[str]:
    """A real HTTP server running the whole middleware stack against the test database.

    Unlike Django's own live server it adds no static handler of its own, so the hashed
    static files are served by servestatic exactly as in production.
    """
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app, connections_override=shared, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        # The shared in-memory connection stays shareable: request threads kept alive by the
        # browser may still close it after the server stops.
        thread.terminate()


class _OneDatabaseThread:
    """Runs every thread-sensitive call of the application (views, consumers' database work) on one
    thread: the one where the test's in-memory SQLite connection is shared, as LiveServerThread
    does for its request threads. On PostgreSQL that thread simply keeps its own connection."""

    def __init__(self, application: Any, executor: ThreadPoolExecutor) -> None:
        self.application = application
        self.executor = executor

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async with ThreadSensitiveContext(executor=self.executor):
            await self.application(scope, receive, send)


class _Daphne:
    """The real ASGI application (HTTP and websockets) served by Daphne in a thread of this process.

    Twisted's reactor runs once per process, so one server serves the whole session; each test's
    database is the one it sees, through the shared thread above.
    """

    def __init__(self) -> None:
        from daphne.server import Server

        from mysupportspace.asgi import application

        self.database_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asgi-database")
        self.server = Server(
            application=_OneDatabaseThread(application, self.database_thread),
            endpoints=["tcp:port=0:interface=127.0.0.1"],
            signal_handlers=False,
            verbosity=0,
        )
        self.thread = threading.Thread(target=self.server.run, name="daphne", daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.listening_addresses:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("Daphne did not start listening")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.server.listening_addresses[0][1]}"

    def share(self, shared: dict[str, Any]) -> None:
        def install() -> None:
            for alias, connection in shared.items():
                connections[alias] = connection

        self.database_thread.submit(install).result()

    def quiesce(self, timeout: float = 5) -> None:
        """Drop every websocket from the server's side, wait for every application instance to finish
        (consumers' disconnect work included), cancel any still running after ``timeout`` (as Daphne
        does after its close timeout) and the consumers' timers, and let the database thread run dry,
        so nothing of this test touches the database while it is flushed or in the next test."""
        from autobahn.twisted.websocket import WebSocketServerProtocol
        from twisted.internet import reactor
        from twisted.internet.threads import blockingCallFromThread

        from chat import consumers

        def running() -> list[Any]:
            return [
                details["application_instance"]
                for details in self.server.connections.values()
                if details.get("application_instance") is not None and not details["application_instance"].done()
            ]

        def drop_sockets() -> None:
            # Dropped, not closed politely: a browser taken offline by the test would never answer.
            for protocol, details in list(self.server.connections.items()):
                if isinstance(protocol, WebSocketServerProtocol) and "disconnected" not in details:
                    protocol.dropConnection(abort=True)

        def cancel_the_rest() -> None:
            for instance in running():
                instance.cancel()
            for timer in list(consumers._timers):
                timer.cancel()

        blockingCallFromThread(reactor, drop_sockets)
        deadline = time.monotonic() + timeout
        while blockingCallFromThread(reactor, running) and time.monotonic() < deadline:
            time.sleep(0.02)
        blockingCallFromThread(reactor, cancel_the_rest)
        deadline = time.monotonic() + timeout
        while blockingCallFromThread(reactor, running) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.database_thread.submit(lambda: None).result()

    def stop(self) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(reactor.stop)  # type: ignore[attr-defined]
        self.thread.join(10)
        # Its own connections (PostgreSQL) must be closed before the test database is dropped.
        self.database_thread.submit(connections.close_all).result()
        self.database_thread.shutdown()


@pytest.fixture(scope="session")
def _daphne(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[_Daphne, str]]:
    server = _Daphne()
    url = server.start()
    yield server, url
    with django_db_blocker.unblock():
        server.stop()


@pytest.fixture
def asgi_server_url(transactional_db: None, _daphne: tuple[_Daphne, str]) -> Iterator[str]:
    """The whole ASGI application, websockets included, served by Daphne against the test database.

    The channel layer is the configured one: in memory by default, channels-redis when REDIS_URL is set.
    """
    server, url = _daphne
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    server.share(shared)
    yield url
    server.quiesce()


# --- Personas: alice (the person), bob (her supporter, or staff where needed), charlie (an outsider) ---


@pytest.fixture
def alice(db: None) -> Any:
    from tests.factories import make_user

    return make_user("alice@example.org")


@pytest.fixture
def bob(db: None) -> Any:
    from accounts.models import Role
    from tests.factories import make_user

    return make_user("bob@example.org", role=Role.SUPPORTER)


@pytest.fixture
def charlie(db: None) -> Any:
    from tests.factories import make_user

    return make_user("charlie@example.org")


@pytest.fixture
def alice_client(alice: Any) -> Any:
    from tests.factories import signed_in_client

    return signed_in_client(alice)


@pytest.fixture
def bob_client(bob: Any) -> Any:
    from tests.factories import signed_in_client

    return signed_in_client(bob)


@pytest.fixture
def charlie_client(charlie: Any) -> Any:
    from tests.factories import signed_in_client

    return signed_in_client(charlie)
