"""`make bench`: every page beside the framework floor, in one run, on PostgreSQL and Redis.

Starts its own PostgreSQL cluster and redis-server, loads the shipped content, makes a person
with an authenticator and BENCH_ENTRIES diary entries, and serves the site exactly as
`make serve` does (deploy/: nginx in front of gunicorn, 2 workers). The floor (bench/floor/: one
view returning 20 KB of fixed HTML, no database) is served the same way. For each page, rounds
alternate floor and page under wrk (16 connections); then one connection's service time, the
SQL statements (counted in this process through the same middleware) and the compressed bytes.
Figures are printed with the load average beside them, never asserted: the machine is shared.

    python bench/pages.py [--entries 2000] [--rounds 3] [--seconds 3]
"""

from __future__ import annotations

import argparse
import base64
import datetime
import http.client
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.topology import PostgresCluster, RedisServer, Topology, manage

CONNECTIONS = 16


@dataclass
class Page:
    name: str
    path: str
    signed_in: bool = False
    form: dict[str, str] | None = None  # POSTed (with the CSRF token) when given
    floor_rps: list[float] = field(default_factory=list)
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    service_ms: float = 0.0
    queries: int = 0
    compressed_bytes: int = 0
    errors: int = 0

    @property
    def ratio(self) -> float:
        ratios = [p / f for p, f in zip(self.rps, self.floor_rps, strict=True) if f]
        return statistics.median(ratios) if ratios else 0.0


def ensure_wrk() -> str:
    """wrk, a small C load generator: a Python one would take a core from the server on 2 cores."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env, capture_output=True)  # noqa: S607
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)  # noqa: S607
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, capture_output=True)  # noqa: S607
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("make bench needs wrk (apt-get install wrk)")
    return found


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(
    url: str, *, seconds: float, headers: dict[str, str], body: str | None, folder: Path
) -> tuple[float, float, float, int]:
    """Requests per second, p50 and p99 in ms, and answers that were not 2xx or 3xx."""
    script = folder / "request.lua"
    lines = [f'wrk.headers["{key}"] = "{value}"' for key, value in headers.items()]
    if body is not None:
        lines += [
            'wrk.method = "POST"',
            f'wrk.body = "{body}"',
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
        ]
    script.write_text("\n".join(lines) + "\n")
    result = subprocess.run(  # noqa: S603
        [ensure_wrk(), "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = {p: _ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)}
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, latency.get("50", 0.0), latency.get("99", 0.0), int(bad.group(1)) if bad else 0


def _request(port: int, page: Page, headers: dict[str, str], body: str | None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST" if body is not None else "GET",
        page.path,
        body=body,
        headers={**headers, **({"Content-Type": "application/x-www-form-urlencoded"} if body else {})},
    )
    return connection.getresponse()


def service_time(port: int, page: Page, headers: dict[str, str], body: str | None, runs: int) -> float:
    """Median milliseconds for one request at a time on one kept-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        connection.request(
            "POST" if body is not None else "GET",
            page.path,
            body=body,
            headers={**headers, **({"Content-Type": "application/x-www-form-urlencoded"} if body else {})},
        )
        connection.getresponse().read()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def prepare(entries: int) -> tuple[list[Page], dict[str, str], dict[str, str]]:
    """The person, their diary and session, and the pages to measure (Django set up in this process)."""
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts import services as account_services
    from accounts.models import User
    from diary.models import DiaryEntry
    from guides.models import Guide

    person = User.objects.create_user(email="bench@example.org", password=None)
    device, _ = account_services.set_up_two_factor(user=person, hex_key=account_services.new_totp_key(), verified_t=0)
    today = timezone.localdate()
    DiaryEntry.objects.bulk_create(
        DiaryEntry(
            owner=person,
            date=today - datetime.timedelta(days=n % 1500),
            mood=n % 5 + 1,
            feelings=["Calm", "Tired"][: n % 3],
            text=f"Entry {n}. " + "An ordinary day, written down in a few plain sentences. " * 10,
        )
        for n in range(entries)
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        # As autovacuum leaves a table in production: visibility map and statistics up to date, so
        # the planner sees 2,000 entries rather than a guess, and index-only scans skip the heap.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(person)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    guide = Guide.objects.published().order_by("pk").first()  # type: ignore[attr-defined]
    assert guide is not None, "no published guide: load_content first"
    step = f"/guides/{guide.slug}/steps/2/"
    client.get(step)  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    signed_in = {"Cookie": cookie}
    new_entry = client.get("/diary/new/").content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', new_entry))
    pages = [
        Page("home, signed out", "/"),
        Page("guide step, signed out", step),
        Page("guide step, signed in", step, signed_in=True),
        Page("the person's home", "/account/", signed_in=True),
        Page(f"diary list ({entries} entries)", "/diary/", signed_in=True),
        Page("mood chart", "/diary/chart/", signed_in=True),
        Page(
            "POST Next step",
            step.replace("/steps/2/", "/steps/2/save/"),
            signed_in=True,
            form={"csrfmiddlewaretoken": csrf, "action": "next"},
        ),
        Page(
            "POST a diary entry",
            "/diary/new/",
            signed_in=True,
            form={
                **hidden,
                "csrfmiddlewaretoken": csrf,
                "date": today.isoformat(),
                "mood": "3",
                "text": "A short entry from the bench.",
            },
        ),
        Page("organisations", "/get-support/organisations/"),
    ]
    for page in pages:
        page.queries = count_queries(client if page.signed_in else Client(HTTP_HOST="127.0.0.1"), page)
    return pages, signed_in, {"csrf": csrf}


def count_queries(client: object, page: Page) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if page.form is None:
        client.get(page.path)  # type: ignore[attr-defined]  # steady state: what a process keeps is read once
    with CaptureQueriesContext(connection) as captured:
        response = client.post(page.path, page.form) if page.form is not None else client.get(page.path)  # type: ignore[attr-defined]
    assert response.status_code in {200, 302}, f"{page.name} answered {response.status_code}"
    return len(captured)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=int(os.environ.get("BENCH_ENTRIES", "2000")))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--service-runs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    ensure_wrk()
    folder = Path(tempfile.mkdtemp(prefix="mysupportspace-bench-"))
    postgres, redis = PostgresCluster(), RedisServer()
    topologies: list[Topology] = []
    try:
        postgres.create()
        redis.start()
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "DIARY_KEYRING": os.environ.get("DIARY_KEYRING")
            or "bench:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "DJANGO_SETTINGS_MODULE": "mysupportspace.settings",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
        manage("load_content", "--verbosity", "0", env=env)
        pages, signed_in, _ = prepare(args.entries)
        app = Topology(env=env, http_workers=args.workers, websocket_processes=0, with_worker=False)
        floor = Topology(
            env={**env, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"},
            http_workers=args.workers,
            websocket_processes=0,
            with_worker=False,
            http_application="bench.floor.wsgi:application",
        )
        topologies += [app, floor]
        app.start()
        floor.start()
        load_before = os.getloadavg()
        floor_page = Page("floor", "/")
        for page in pages:
            headers = signed_in if page.signed_in else {}
            body = urllib.parse.urlencode(page.form) if page.form is not None else None
            # Warm every worker's templates and connections before anything is timed.
            service_time(app.listen_port, page, headers, body, 2 * args.workers)
            service_time(floor.listen_port, Page("floor", "/"), {}, None, 2 * args.workers)
            for _ in range(args.rounds):
                rps, p50, p99, _bad = run_wrk(
                    floor.url + "/", seconds=args.seconds, headers={}, body=None, folder=folder
                )
                page.floor_rps.append(rps)
                floor_page.rps.append(rps)
                floor_page.p50.append(p50)
                floor_page.p99.append(p99)
                rps, p50, p99, bad = run_wrk(
                    app.url + page.path, seconds=args.seconds, headers=headers, body=body, folder=folder
                )
                page.rps.append(rps)
                page.p50.append(p50)
                page.p99.append(p99)
                page.errors += bad
            page.service_ms = service_time(app.listen_port, page, headers, body, args.service_runs)
            response = _request(app.listen_port, page, {**headers, "Accept-Encoding": "gzip"}, body)
            page.compressed_bytes = len(response.read())
        floor_page.service_ms = service_time(floor.listen_port, floor_page, {}, None, args.service_runs)
        floor_page.compressed_bytes = len(
            _request(floor.listen_port, floor_page, {"Accept-Encoding": "gzip"}, None).read()
        )
        print_table(floor_page, pages, load_before=load_before, load_after=os.getloadavg(), args=args)
        return 0
    finally:
        for topology in topologies:
            topology.stop()
        redis.stop()
        postgres.destroy()
        shutil.rmtree(folder, ignore_errors=True)


def print_table(
    floor: Page,
    pages: list[Page],
    *,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
    args: argparse.Namespace,
) -> None:
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load average {load_before[0]:.2f} before and "
        f"{load_after[0]:.2f} after; gunicorn with {args.workers} workers behind nginx, PostgreSQL 15 and Redis; "
        f"wrk, {CONNECTIONS} connections, {args.rounds} rounds of {args.seconds:g} s each, floor and page interleaved."
    )
    header = f"{'page':34} {'req/s median (range)':>24} {'x floor':>8} {'p50 ms':>8} {'p99 ms':>8} {'1-conn ms':>10} {'SQL':>4} {'KB gz':>6} {'errors':>6}"
    print(header)
    print("-" * len(header))

    def row(page: Page, ratio: str) -> None:
        spread = f"{statistics.median(page.rps):.0f} ({min(page.rps):.0f}-{max(page.rps):.0f})"
        print(
            f"{page.name:34} {spread:>24} {ratio:>8} {statistics.median(page.p50):8.1f} {statistics.median(page.p99):8.1f} "
            f"{page.service_ms:10.1f} {page.queries:4d} {page.compressed_bytes / 1024:6.1f} {page.errors:6d}"
        )

    row(floor, "1")
    for page in pages:
        row(page, f"{page.ratio:.3f}")


if __name__ == "__main__":
    sys.exit(main())
