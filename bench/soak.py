"""`make soak`: many people at once on the production topology, while its parts fail.

Starts a PostgreSQL cluster and a redis-server of its own (deploy/topology.py), a local HTTP
server standing in for the partner's case-management system, and `make serve`'s topology
(nginx, gunicorn, Daphne, the task worker). Fills the database with `manage.py seed_scale`,
then runs locust headless (bench/locustfile.py) while faults are made on a schedule:

  postgres   PostgreSQL stopped for 20 s, then started again
  redis      Redis stopped for 10 s, then started again
  partner    the partner's endpoint down for a minute (a third of a short run)
  worker     the task worker killed with SIGKILL while hand-offs are being sent
  web        the gunicorn server killed with SIGKILL (the supervisor starts it again)

At the end it waits for the hand-offs to drain and prints the accounting: every acknowledged
write is in the database once (0 lost, 0 twice), every hand-off reached the partner exactly
once by its idempotency key, and no 5xx answer came outside the fault windows (each window
has a grace period after it for recovery). Exit status 1 if any of those fails.

    python bench/soak.py                          # 200 people, 5 minutes, every fault
    python bench/soak.py --users 20 --seconds 60 --faults postgres   # CI's short run
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.topology import APP_ROOT, PostgresCluster, RedisServer, Topology, free_port, manage

FAULTS = ("postgres", "redis", "partner", "worker", "web")
# After a window closes, answers may still fail for this long while connections come back.
GRACE_SECONDS = 10.0


class Partner:
    """The partner's endpoint: records each Idempotency-Key it accepted; can be taken down and up."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[str] = []
        self.server: ThreadingHTTPServer | None = None
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/caseworker"

    def start(self) -> None:
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with partner.lock:
                    partner.received.append(self.headers.get("Idempotency-Key", ""))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@dataclass
class Window:
    fault: str
    start: float
    end: float = 0.0


@dataclass
class Soak:
    users: int
    seconds: float
    faults: list[str]
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mysupportspace-soak-")))
    windows: list[Window] = field(default_factory=list)

    def schedule(self) -> list[tuple[float, str]]:
        """When each fault starts, spread through the middle of the run."""
        if not self.faults:
            return []
        gap = self.seconds * 0.7 / len(self.faults)
        return [(self.seconds * 0.15 + n * gap, fault) for n, fault in enumerate(self.faults)]


def make_faults(
    soak: Soak, *, postgres: PostgresCluster, redis: RedisServer, partner: Partner, topology: Topology, began: float
) -> None:
    """Runs in a thread beside locust: each fault at its time, recorded as a window."""
    for at, fault in soak.schedule():
        time.sleep(max(0.0, began + at - time.time()))
        window = Window(fault, time.time())
        soak.windows.append(window)
        print(f"[{window.start - began:5.1f} s] fault: {fault}", flush=True)
        if fault == "postgres":
            postgres.stop()
            time.sleep(20)
            postgres.start()
        elif fault == "redis":
            redis.stop()
            time.sleep(10)
            redis.start()
        elif fault == "partner":
            partner.stop()
            time.sleep(min(60.0, soak.seconds / 3))
            partner.start()
        elif fault == "worker":
            topology.services["worker"].kill()
            time.sleep(3)
        elif fault == "web":
            topology.services["http"].kill()
            time.sleep(3)
        window.end = time.time()
        print(f"[{window.end - began:5.1f} s] recovered: {fault}", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def account(
    soak: Soak, *, acks: list[dict[str, Any]], answers: list[dict[str, Any]], partner: Partner
) -> tuple[list[str], list[str]]:
    """The end-of-run figures (printed lines) and what failed (empty when all is well)."""
    from django.db.models import Count

    from diary.models import DiaryEntry
    from referrals.models import Handoff, HandoffStatus, SupportRequest

    lines, failures = [], []

    def in_window(answer: dict[str, Any]) -> str:
        """The fault whose window the request overlapped (one sent just before PostgreSQL stopped counts)."""
        started, ended = answer["t"] - answer["ms"] / 1000, answer["t"]
        for window in soak.windows:
            if started <= (window.end or time.time()) + GRACE_SECONDS and ended >= window.start:
                return window.fault
        return ""

    timings = [answer["ms"] for answer in answers]
    lines.append(
        f"people: {soak.users}; requests: {len(answers)}; p50 {percentile(timings, 0.5):.0f} ms, "
        f"p95 {percentile(timings, 0.95):.0f} ms, p99 {percentile(timings, 0.99):.0f} ms"
    )
    errors: dict[str, int] = {}
    outside: list[dict[str, Any]] = []
    for answer in answers:
        status = answer["status"]
        if status >= 500 or status == 0:
            where = in_window(answer) or "outside fault windows"
            errors[where] = errors.get(where, 0) + 1
            if where == "outside fault windows":
                outside.append(answer)
    for fault in ["outside fault windows", *soak.faults]:
        lines.append(f"  5xx or no answer, {fault}: {errors.get(fault, 0)}")
    if outside:
        failures.append(f"{len(outside)} answers failed outside the fault windows, e.g. {outside[:3]}")

    diary_keys = [ack["key"] for ack in acks if ack["kind"] == "diary"]
    request_keys = [ack["key"] for ack in acks if ack["kind"] == "request"]
    stored_diary = dict(
        DiaryEntry.objects.filter(submission_id__in=diary_keys)
        .values_list("submission_id")
        .annotate(n=Count("pk"))
        .values_list("submission_id", "n")
    )
    stored_requests = dict(
        SupportRequest.objects.filter(submission_token__in=request_keys)
        .values_list("submission_token")
        .annotate(n=Count("pk"))
        .values_list("submission_token", "n")
    )
    stored: dict[str, int] = {str(key): n for key, n in [*stored_diary.items(), *stored_requests.items()]}
    lost = [key for key in diary_keys + request_keys if key not in stored]
    twice = [key for key, n in stored.items() if n > 1]
    lines.append(
        f"acknowledged writes: {len(diary_keys)} diary entries, {len(request_keys)} requests; "
        f"lost: {len(lost)}; stored twice: {len(twice)}"
    )
    if lost or twice:
        failures.append(f"lost {lost[:5]}, twice {twice[:5]}")

    handoffs = list(Handoff.objects.values_list("idempotency_key", "status"))
    received: dict[str, int] = {}
    for key in partner.received:
        received[key] = received.get(key, 0) + 1
    undelivered = [str(key) for key, status in handoffs if str(key) not in received]
    repeats = sum(n - 1 for n in received.values() if n > 1)
    not_sent = [str(key) for key, status in handoffs if status != HandoffStatus.SENT]
    lines.append(
        f"hand-offs: {len(handoffs)}; delivered: {len(handoffs) - len(undelivered)}; not delivered: "
        f"{len(undelivered)}; not marked sent: {len(not_sent)}; repeats the partner dropped by key: {repeats}"
    )
    if undelivered or not_sent:
        failures.append(f"hand-offs not delivered {undelivered[:5]}, not marked sent {not_sent[:5]}")
    return lines, failures


def wait_for_handoffs(*, timeout: float) -> None:
    from referrals.models import Handoff, HandoffStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if not Handoff.objects.exclude(status=HandoffStatus.SENT).exists():
                return
        time.sleep(1)


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--faults", default=",".join(FAULTS), help=f"comma-separated, of {', '.join(FAULTS)}")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    faults = [fault for fault in args.faults.split(",") if fault]
    if unknown := set(faults) - set(FAULTS):
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    soak = Soak(users=args.users, seconds=args.seconds, faults=faults)
    postgres, redis, partner = PostgresCluster(), RedisServer(), Partner()
    topology: Topology | None = None
    try:
        postgres.create()
        redis.start()
        partner.start()
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "DIARY_KEYRING": os.environ.get("DIARY_KEYRING")
            or "soak:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "DJANGO_SETTINGS_MODULE": "mysupportspace.settings",
            "LOG_LEVEL": "WARNING",
            "REFERRALS_CASEWORKER_ENDPOINT": partner.url,
            "REFERRALS_SIGNING_SECRET": secrets.token_urlsafe(32),
            "REFERRALS_RETRY_DELAY_SECONDS": "2",
            "REFERRALS_DELIVERY_TIMEOUT_SECONDS": "3",
            "REFERRALS_DELIVERY_MAX_ATTEMPTS": "20",
        }
        os.environ.update(env)
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
        manage("load_content", "--verbosity", "0", env=env)
        manage("seed_scale", f"--users={args.users}", f"--entries={args.users * 5}", env=env)
        topology = Topology(env=env, http_workers=args.workers, websocket_processes=1, folder=soak.folder)
        topology.start()
        acks, answers = soak.folder / "acks.jsonl", soak.folder / "requests.jsonl"
        began = time.time()
        faults_thread = threading.Thread(
            target=make_faults,
            kwargs={
                "soak": soak,
                "postgres": postgres,
                "redis": redis,
                "partner": partner,
                "topology": topology,
                "began": began,
            },
            daemon=True,
        )
        faults_thread.start()
        locust = shutil.which("locust", path=str(Path(sys.executable).parent)) or "locust"
        subprocess.run(  # noqa: S603
            [
                locust,
                "-f",
                str(APP_ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(max(1, args.users // 10)),
                "--run-time",
                f"{int(args.seconds)}s",
                "--host",
                topology.url,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            env={**env, "SOAK_ACKS": str(acks), "SOAK_REQUESTS": str(answers)},
            cwd=APP_ROOT,
            check=True,
            stdout=open(soak.folder / "locust.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        faults_thread.join(timeout=120)
        import django

        django.setup()
        wait_for_handoffs(timeout=90)
        lines, failures = account(soak, acks=read_lines(acks), answers=read_lines(answers), partner=partner)
        print(
            f"\nSoak, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, gunicorn with {args.workers} "
            f"workers behind nginx, {args.seconds:g} s, faults: {', '.join(faults) or 'none'}"
        )
        for window in soak.windows:
            print(f"  window {window.fault}: {window.start - began:.0f}-{window.end - began:.0f} s")
        for line in lines:
            print(line)
        if failures:
            print("FAILED:\n  " + "\n  ".join(failures))
            print(f"(logs in {soak.folder})")
            return 1
        print("All acknowledged writes stored once; every hand-off delivered; no 5xx outside the fault windows.")
        return 0
    finally:
        if topology is not None:
            topology.stop()
        partner.stop()
        redis.stop()
        postgres.destroy()


if __name__ == "__main__":
    sys.exit(main())
