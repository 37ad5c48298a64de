"""The production servers on PostgreSQL keep a bounded number of database connections.

Started as deploy/ says (gunicorn behind nginx for pages, Daphne for ASGI), each process lends
connections from its own small pool. Before the pool, every request under ASGI ran in a new
thread that opened a connection and kept it: 100 requests left 100 connections, and PostgreSQL
then refused everyone.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from deploy.topology import NGINX, Service, Topology, free_port, unit_command

pytestmark = [
    # The servers read what the test wrote, so it must be committed; rows that migrations made
    # (staff groups) are put back afterwards for the tests that follow.
    pytest.mark.django_db(transaction=True),
    pytest.mark.nginx,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL"), reason="connection pooling is about PostgreSQL (DATABASE_URL)"
    ),
    pytest.mark.skipif(
        not os.path.exists(NGINX) and os.environ.get("REQUIRE_NGINX") != "1",
        reason="nginx is not installed (apt-get install nginx-light)",
    ),
]

POOL_SIZE = 2
SERVER_NAME = "server under test"
REQUESTS = 200


def _test_database_env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    # libpq names the servers' connections, so the count leaves out this test's own.
    return {**env, "DATABASE_URL": url, "DATABASE_POOL_MAX_SIZE": str(POOL_SIZE), "PGAPPNAME": SERVER_NAME}


def _server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [SERVER_NAME],
        )
        return int(cursor.fetchone()[0])


def _hammer(url: str) -> tuple[list[int], int]:
    """REQUESTS page views, 8 at a time; the statuses and the most connections seen meanwhile."""
    most = 0

    def fetch(_: int) -> int:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return int(response.status)

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(fetch, n) for n in range(REQUESTS)]
        for future in futures:
            future.result()
            most = max(most, _server_connections())
    return [future.result() for future in futures], most


@pytest.fixture
def production() -> Iterator[Topology]:
    topology = Topology(env=_test_database_env(), http_workers=2, websocket_processes=1, with_worker=False)
    topology.start()
    try:
        yield topology
    finally:
        topology.stop()


def test_pages_through_nginx_and_gunicorn_keep_connections_bounded(production: Topology) -> None:
    statuses, most = _hammer(production.url + "/guides/")
    assert statuses == [200] * REQUESTS
    # Two gunicorn workers and one Daphne process, each with a pool of at most POOL_SIZE.
    assert most <= 3 * POOL_SIZE
    assert _server_connections() <= 3 * POOL_SIZE


def test_asgi_keeps_connections_bounded(tmp_path: Any) -> None:
    """Daphne runs each request in a new thread: the case that leaked one connection per request."""
    port = free_port()
    daphne = Service(
        "daphne",
        unit_command("mysupportspace-websockets@.service", instance=str(port)),
        _test_database_env(),
        port=port,
        log=tmp_path / "daphne.log",
    )
    daphne.start()
    try:
        statuses, most = _hammer(f"http://127.0.0.1:{port}/guides/")
    finally:
        daphne.stop()
    assert statuses == [200] * REQUESTS
    assert most <= POOL_SIZE
