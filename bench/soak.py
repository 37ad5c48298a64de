"""`make soak`: many people at once on the production topology, while its parts fail.

Starts a PostgreSQL cluster and a redis-server of its own (deploy/topology.py), a local HTTP
server standing in for the partner's case-management system, and `make serve`'s topology
(nginx, gunicorn, Daphne, the task worker), with the hand-off sweep run every 20 s as its timer
would. Fills the database with `manage.py seed_scale` and a few chat supporters, then runs locust
headless (bench/locustfile.py: people signing in and using the site, and chat pairs talking over
the websocket) while faults are made on a schedule:

  postgres   PostgreSQL stopped for 20 s, then started again
  redis      Redis stopped for 10 s, then started again
  partner    the partner's endpoint down for a minute (a third of a short run)
  worker     the task worker killed with SIGKILL while a hand-off is in flight: the partner holds
             the next send open and says so, and the worker is killed at that moment
  web        the gunicorn server killed with SIGKILL (the supervisor starts it again)

At the end it waits for the hand-offs to drain and prints the accounting: every acknowledged
write (diary entries, requests, chat messages) is in the database once (0 lost, 0 twice), every
hand-off reached the partner and was acted on once by its idempotency key (the one in flight
when the worker died too), no 5xx answer came outside the fault windows (each window has a grace
period after it for recovery), and no error page showed a stack trace. Exit status 1 if any of
those fails.

    python bench/soak.py                          # 200 people, 5 minutes, every fault
    python bench/soak.py --users 20 --seconds 60 --faults postgres --think 1,3   # CI's short run
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
    """The partner's endpoint: records each Idempotency-Key it accepted; can be taken down and up.

    Like a real case-management system it acts on each key once and answers a repeat with 200
    without acting again. `hold_next_send` makes it keep the next request open after reading it
    (as a slow partner would), so that the soak can kill the task worker while that send is in flight.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[str] = []
        self.server: ThreadingHTTPServer | None = None
        self.lock = threading.Lock()
        self._hold = False
        self.held = threading.Event()
        self.held_key = ""
        self.release = threading.Event()

    def hold_next_send(self) -> None:
        with self.lock:
            self.held.clear()
            self.release.clear()
            self._hold = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/caseworker"

    def start(self) -> None:
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                key = self.headers.get("Idempotency-Key", "")
                with partner.lock:
                    partner.received.append(key)
                    hold, partner._hold = partner._hold, False
                if hold:
                    partner.held_key = key
                    partner.held.set()
                    partner.release.wait(timeout=60)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

            def handle(self) -> None:
                # The worker killed mid-send leaves a closed connection behind: nothing to answer.
                with contextlib.suppress(OSError):
                    super().handle()

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
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
    # The hand-off whose send was in flight when the task worker was killed ("" if none was).
    killed_mid_send: str = ""

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
            # Wait for a send to be in flight (the partner holds it open and says so), then kill.
            partner.hold_next_send()
            if partner.held.wait(timeout=90):
                topology.services["worker"].kill()
                soak.killed_mid_send = partner.held_key
                print(f"  task worker killed while sending hand-off {partner.held_key}", flush=True)
            else:
                print("  no hand-off was sent within 90 s: the worker was not killed", flush=True)
            time.sleep(1)
            partner.release.set()
            time.sleep(2)
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
        overlapping = [
            window
            for window in soak.windows
            if started <= (window.end or time.time()) + GRACE_SECONDS and ended >= window.start
        ]
        # The fault that began last before the answer failed (an earlier one's grace may overlap it).
        return max(overlapping, key=lambda window: window.start).fault if overlapping else ""

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
    traces = [answer for answer in answers if answer.get("trace")]
    lines.append(f"  error pages showing a stack trace: {len(traces)}")
    if traces:
        failures.append(f"{len(traces)} error pages showed a stack trace, e.g. {traces[:3]}")

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

    chat_keys = [ack["key"] for ack in acks if ack["kind"] == "chat"]
    chats_started = sum(1 for ack in acks if ack["kind"] == "chat-started")
    chats_ended = sum(1 for ack in acks if ack["kind"] == "chat-ended")
    if chats_started or chat_keys:
        from chat.models import Message

        # Stored encrypted: read through the model, each text is its sender's unique token.
        stored_texts: dict[str, int] = {}
        for text in (message.text for message in Message.objects.filter(sender__in=["visitor", "supporter"])):
            stored_texts[text] = stored_texts.get(text, 0) + 1
        chat_lost = [key for key in chat_keys if key not in stored_texts]
        chat_twice = [key for key, n in stored_texts.items() if n > 1]
        lines.append(
            f"chats: {chats_started} started, {chats_ended} ended by the visitor; acknowledged messages: "
            f"{len(chat_keys)}; lost: {len(chat_lost)}; stored twice: {len(chat_twice)}"
        )
        if chat_lost or chat_twice:
            failures.append(f"chat messages lost {chat_lost[:5]}, twice {chat_twice[:5]}")

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
    if "worker" in soak.faults:
        key = soak.killed_mid_send
        if not key:
            failures.append("the task worker was never killed during a send")
        else:
            status = next((s for k, s in handoffs if str(k) == key), None)
            lines.append(
                f"hand-off in flight when the worker was killed: sent to the partner {received.get(key, 0)} times, "
                f"acted on once, marked {status}"
            )
            if status != HandoffStatus.SENT or not received.get(key):
                failures.append(f"the hand-off in flight when the worker was killed ({key}) was not delivered")
    return lines, failures


def wait_for_handoffs(*, timeout: float) -> None:
    from django.db import connection

    from referrals.models import Handoff, HandoffStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not Handoff.objects.exclude(status=HandoffStatus.SENT).exists():
                return
        except Exception:
            connection.close()
        time.sleep(1)


def sweep_handoffs(env: dict[str, str], stop: threading.Event, *, every: float) -> None:
    """The hand-off sweep's timer (deploy/systemd/mysupportspace-sweep.timer), more often: a send lost
    with a killed worker is queued again by it."""
    while not stop.wait(every):
        subprocess.run(
            [sys.executable, "manage.py", "sweep_handoffs", "--verbosity", "0"],
            cwd=APP_ROOT,
            env=env,
            capture_output=True,
            check=False,
        )


def seed_chat_supporters(count: int) -> list[str]:
    """Chat supporters, available to take chats, each with a session that has passed two-factor
    (made directly, as bench/chat_latency.py does): the session keys, for the chat journeys."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts import services as account_services
    from accounts.models import User
    from chat import services
    from chat.models import CHAT_SUPPORTERS_GROUP

    group, _ = Group.objects.get_or_create(name=CHAT_SUPPORTERS_GROUP)
    keys = []
    for number in range(count):
        supporter = User.objects.create_user(email=f"soak-supporter{number}@example.org", password=None, is_staff=True)
        supporter.groups.add(group)
        device, _ = account_services.set_up_two_factor(
            user=supporter, hex_key=account_services.new_totp_key(), verified_t=0
        )
        services.set_availability(supporter=supporter, available=True)
        session = SessionStore()
        session.update(
            {
                SESSION_KEY: str(supporter.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: supporter.get_session_auth_hash(),
                DEVICE_ID_SESSION_KEY: device.persistent_id,
            }
        )
        session.create()
        keys.append(session.session_key or "")
    connection.close()
    return keys


def _children_cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--faults", default=",".join(FAULTS), help=f"comma-separated, of {', '.join(FAULTS)}")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--chat-pairs", type=int, default=-1, help="people chatting (visitor and supporter) at once; default users/20"
    )
    parser.add_argument(
        "--load-processes",
        type=int,
        default=1,
        help="locust processes making the load (its CPU is printed, to show whether one is enough)",
    )
    parser.add_argument(
        "--think", default="5,15", help="seconds a person spends on a page before the next step, low,high"
    )
    args = parser.parse_args(argv)
    chat_pairs = args.chat_pairs if args.chat_pairs >= 0 else max(1, args.users // 20)
    load_processes = max(1, args.load_processes)
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
            # Each simulated person comes from an address of their own (locustfile sets X-Forwarded-For,
            # as a proxy in front of nginx would), so per-address limits see people, not the load generator.
            "BEHIND_PROXY": "1",
            "PROXY_COUNT": "2",
        }
        os.environ.update(env)
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
        manage("load_content", "--verbosity", "0", env=env)
        manage("seed_scale", f"--users={args.users}", f"--entries={args.users * 5}", env=env)
        import django

        django.setup()
        supporters = seed_chat_supporters(chat_pairs)
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
        sweeping = threading.Event()
        threading.Thread(target=sweep_handoffs, args=(env, sweeping), kwargs={"every": 20.0}, daemon=True).start()
        locust = shutil.which("locust", path=str(Path(sys.executable).parent)) or "locust"
        load_cpu_before = _children_cpu_seconds()
        port = free_port()
        subprocess.run(  # noqa: S603
            [
                locust,
                "-f",
                str(APP_ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                # People arrive over the first minute (a fifth of a short run), not all in one second:
                # each sign-in checks a password, which is slow on purpose.
                "--spawn-rate",
                f"{args.users / min(60.0, max(1.0, args.seconds / 5)):.2f}",
                "--run-time",
                f"{int(args.seconds)}s",
                "--host",
                topology.url,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
                # Worker processes talk to the master on a port of this run's own, not the shared default.
                *(
                    ["--processes", str(load_processes), "--master-bind-port", str(port), "--master-port", str(port)]
                    if load_processes > 1
                    else []
                ),
            ],
            env={
                **env,
                "SOAK_ACKS": str(acks),
                "SOAK_REQUESTS": str(answers),
                "SOAK_COUNTERS": str(soak.folder),
                "SOAK_SUPPORTERS": ",".join(supporters),
                "SOAK_CHAT_PAIRS": str(chat_pairs),
                "SOAK_THINK_SECONDS": args.think,
            },
            cwd=APP_ROOT,
            check=True,
            stdout=open(soak.folder / "locust.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        load_cpu = _children_cpu_seconds() - load_cpu_before
        faults_thread.join(timeout=120)
        wait_for_handoffs(timeout=360)
        sweeping.set()
        from django.db import connection

        connection.close()
        lines, failures = account(soak, acks=read_lines(acks), answers=read_lines(answers), partner=partner)
        print(
            f"\nSoak, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, gunicorn with {args.workers} "
            f"workers behind nginx, {args.seconds:g} s, think time {args.think} s, "
            f"faults: {', '.join(faults) or 'none'}"
        )
        for window in soak.windows:
            print(f"  window {window.fault}: {window.start - began:.0f}-{window.end - began:.0f} s")
        for line in lines:
            print(line)
        overloaded = (soak.folder / "locust.log").read_text(errors="replace").count("CPU usage above")
        print(
            f"load generator: {load_processes} locust process(es), {chat_pairs} chat pair(s); its CPU "
            f"{load_cpu:.0f} s over {args.seconds:g} s ({load_cpu / args.seconds:.0%} of one core; "
            f"{overloaded} high-CPU warnings from locust); load average {_load()}"
        )
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
