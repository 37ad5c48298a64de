"""Scale: the diary list, the person's home and the caseworker queue on a small and a large database.

For each size, a throw-away PostgreSQL cluster of its own (deploy/topology.py), migrated, with
the shipped content and `manage.py seed_scale` at that size (ten diary entries a person at
every size, so person 0's own pages hold the same; only the tables around them grow), then
VACUUM ANALYZE. Both clusters stay up and are measured in interleaved rounds (small, large,
small, large...), each round in a fresh process, so a change in the shared machine's load
falls on both sizes alike: each page is requested through the whole middleware stack
(Django's test client, signed in with two-factor) and its median and 90th percentile service
time over all rounds and its SQL statements are printed, with each page's large/small ratio.
Figures are printed, never asserted: the machine is shared.

    python bench/scale.py [--small 1000] [--large 100000] [--per-person 10] [--runs 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.topology import PostgresCluster, manage

PAGES = [
    ("diary list", "/diary/", "person"),
    ("the person's home", "/account/", "person"),
    ("caseworker queue", "/staff/requests/", "caseworker"),
]


def measure(runs: int) -> dict[str, dict[str, Any]]:
    """Runs in a process whose DATABASE_URL is the seeded cluster: service times and SQL per page."""
    import django

    django.setup()
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from pages.seed_codes import seed_email

    clients = {}
    for kind in ("person", "caseworker"):
        user = User.objects.get(email=seed_email(0, kind=kind))
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
        clients[kind] = client
    figures = {}
    for name, path, kind in PAGES:
        client = clients[kind]
        for _ in range(5):
            assert client.get(path).status_code == 200, f"{path} failed"
        statements = count_statements(client, path)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        figures[name] = {"timings": timings, "queries": statements}
    return figures


def count_statements(client: Any, path: str) -> int:
    from django.db import connection

    statements: list[str] = []

    def record(execute: Any, sql: str, *rest: Any) -> Any:
        statements.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(record):
        client.get(path)
    return len(statements)


def seed(*, users: int, per_person: int, env: dict[str, str]) -> tuple[PostgresCluster, dict[str, str], float]:
    """A new cluster at this size, seeded and vacuumed; the caller destroys it."""
    import psycopg

    postgres = PostgresCluster()
    try:
        postgres.create()
        run_env = {**env, "DATABASE_URL": postgres.url}
        manage("migrate", "--noinput", "--verbosity", "0", env=run_env)
        manage("load_content", "--verbosity", "0", env=run_env)
        started = time.monotonic()
        manage(
            "seed_scale",
            f"--users={users}",
            f"--entries={users * per_person}",
            f"--requests={max(users // 10, 60)}",
            "--verbosity=2",
            env=run_env,
        )
        seconds = time.monotonic() - started
        with psycopg.connect(postgres.url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    except BaseException:
        postgres.destroy()
        raise
    return postgres, run_env, seconds


def measure_round(*, runs: int, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    result = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--measure", f"--runs={runs}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def summary(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, float]]:
    figures = {}
    for name, _path, _kind in PAGES:
        timings = sorted(t for one in rounds for t in one[name]["timings"])
        figures[name] = {
            "median": statistics.median(timings),
            "p90": timings[max(0, math.ceil(len(timings) * 0.9) - 1)],
            "queries": rounds[-1][name]["queries"],
        }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000, help="people in the small database")
    parser.add_argument("--large", type=int, default=100_000, help="people in the large database")
    parser.add_argument("--per-person", type=int, default=10, help="diary entries a person")
    parser.add_argument("--runs", type=int, default=50, help="requests a page at each size, over all rounds")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (small, large) of measuring")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.runs)))
        return 0
    env = {
        **os.environ,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DIARY_KEYRING": os.environ.get("DIARY_KEYRING")
        or "bench:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DJANGO_SETTINGS_MODULE": "mysupportspace.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    clusters: list[PostgresCluster] = []
    try:
        small_cluster, small_env, small_seconds = seed(users=args.small, per_person=args.per_person, env=env)
        clusters.append(small_cluster)
        large_cluster, large_env, large_seconds = seed(users=args.large, per_person=args.per_person, env=env)
        clusters.append(large_cluster)
        load_before = os.getloadavg()
        rounds = max(1, min(args.rounds, args.runs))
        per_round = max(1, math.ceil(args.runs / rounds))
        small_rounds, large_rounds = [], []
        for _ in range(rounds):
            small_rounds.append(measure_round(runs=per_round, env=small_env))
            large_rounds.append(measure_round(runs=per_round, env=large_env))
        load_after = os.getloadavg()
    finally:
        for cluster in clusters:
            cluster.destroy()
    small, large = summary(small_rounds), summary(large_rounds)
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load average (1 min) "
        f"{load_before[0]:.2f} before measuring and {load_after[0]:.2f} after; "
        f"PostgreSQL 15, in-process through every middleware, {per_round * rounds} requests a page "
        f"in {rounds} interleaved rounds, {args.per_person} diary entries a person.\n"
        f"small: {args.small} people, {args.small * args.per_person} entries (seeded in {small_seconds:.0f} s); "
        f"large: {args.large} people, {args.large * args.per_person} entries (seeded in {large_seconds:.0f} s)"
    )
    header = f"{'page':20} {'small ms (p90)':>16} {'large ms (p90)':>16} {'large/small':>12} {'SQL small/large':>16}"
    print(header)
    print("-" * len(header))
    for name, _path, _kind in PAGES:
        s, g = small[name], large[name]
        print(
            f"{name:20} {s['median']:9.1f} ({s['p90']:4.1f}) {g['median']:9.1f} ({g['p90']:4.1f}) "
            f"{g['median'] / s['median']:12.2f} {s['queries']:>8d}/{g['queries']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
