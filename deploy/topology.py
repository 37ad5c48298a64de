"""The production topology on one machine, without root: nginx in front, gunicorn for pages,
Daphne for websockets, the task worker; and, for load and fault runs, a PostgreSQL cluster and
a redis-server of their own.

Commands and the nginx site come from the files in deploy/ as they are (the systemd units'
ExecStart lines, deploy/nginx/mysupportspace.conf), with only the application folder and the
loopback ports changed, so what is tested here is what an operator installs.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

APP_ROOT = Path(__file__).resolve().parent.parent
DEPLOY = APP_ROOT / "deploy"
UNITS = DEPLOY / "systemd"
SITE_CONFIG = DEPLOY / "nginx" / "mysupportspace.conf"
INSTALLED_ROOT = "/srv/mysupportspace"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
POSTGRES_BIN = Path(os.environ.get("POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, *, process: subprocess.Popen[bytes] | None = None, timeout: float = 60) -> None:
    """Wait until something listens on the loopback port (or fail if the process died first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{process.args!r} exited with {process.returncode} before listening") from None
            time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {timeout:.0f} s")


def unit_command(unit: str, *, instance: str = "") -> list[str]:
    """The ExecStart command of one of deploy/systemd's units, run from this checkout."""
    text = (UNITS / unit).read_text()
    match = re.search(r"^ExecStart=(.+)$", text, re.MULTILINE)
    if match is None:
        raise ValueError(f"{unit} has no ExecStart line")
    line = match.group(1).replace(INSTALLED_ROOT, str(APP_ROOT)).replace("%i", instance)
    return shlex.split(line)


def nginx_site(*, listen_port: int, http_port: int, websocket_ports: list[int]) -> str:
    """deploy/nginx/mysupportspace.conf with this checkout's folder and these loopback ports."""
    site = SITE_CONFIG.read_text()
    replacements = [
        ("listen 127.0.0.1:80;", f"listen 127.0.0.1:{listen_port};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{http_port};"),
        (
            "server 127.0.0.1:8100;\n    server 127.0.0.1:8101;",
            # An upstream needs a server: with no websocket processes, one marked down.
            "\n    ".join(f"server 127.0.0.1:{port};" for port in websocket_ports) or "server 127.0.0.1:9 down;",
        ),
        (INSTALLED_ROOT, str(APP_ROOT)),
    ]
    for old, new in replacements:
        if old not in site:
            raise ValueError(f"deploy/nginx/mysupportspace.conf no longer contains {old!r}")
        site = site.replace(old, new)
    return site


NGINX_MAIN = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/mysupportspace.conf;
}}
"""


@dataclass
class Service:
    """One supervised process: restarted after RESTART_SECONDS if it exits on its own, as systemd would."""

    name: str
    command: list[str]
    env: Mapping[str, str]
    port: int | None = None
    log: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    wanted: bool = False
    restarts: int = 0

    def start(self, *, wait: bool = True) -> None:
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            self.command, env=dict(self.env), cwd=APP_ROOT, stdout=output, stderr=subprocess.STDOUT
        )
        self.wanted = True
        if wait and self.port is not None:
            wait_for_port(self.port, process=self.process)

    def stop(self, *, timeout: float = 30) -> None:
        self.wanted = False
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL, as a crash would; the supervisor starts it again."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


RESTART_SECONDS = 2.0


@dataclass
class Topology:
    """nginx -> gunicorn (pages) and Daphne (websockets), plus the task worker, on loopback."""

    env: Mapping[str, str]
    listen_port: int = 0
    http_workers: int = 2
    websocket_processes: int = 2
    with_worker: bool = True
    # Another WSGI application in the same place (`make bench` serves its floor this way).
    http_application: str = ""
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mysupportspace-serve-")))
    services: dict[str, Service] = field(default_factory=dict)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _supervisor: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listen_port}"

    def _service(self, name: str, command: list[str], *, port: int | None = None, **extra: str) -> Service:
        service = Service(name, command, {**self.env, **extra}, port=port, log=self.folder / f"{name}.log")
        self.services[name] = service
        return service

    def start(self) -> None:
        self.listen_port = self.listen_port or free_port()
        http_port = free_port()
        websocket_ports = [free_port() for _ in range(self.websocket_processes)]
        http_command = unit_command("mysupportspace-http.service")
        if self.http_application:
            http_command = [self.http_application if arg.endswith(":application") else arg for arg in http_command]
        self._service(
            "http",
            http_command,
            port=http_port,
            HTTP_BIND=f"127.0.0.1:{http_port}",
            WEB_CONCURRENCY=str(self.http_workers),
        )
        for n, port in enumerate(websocket_ports):
            self._service(
                f"websockets-{n}", unit_command("mysupportspace-websockets@.service", instance=str(port)), port=port
            )
        if self.with_worker:
            self._service("worker", unit_command("mysupportspace-worker.service"))
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / temp).mkdir(exist_ok=True)
        (self.folder / "mysupportspace.conf").write_text(
            nginx_site(listen_port=self.listen_port, http_port=http_port, websocket_ports=websocket_ports)
        )
        (self.folder / "nginx.conf").write_text(NGINX_MAIN.format(tmp=self.folder))
        self._service(
            "nginx",
            [NGINX, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), "-g", "daemon off;"],
            port=self.listen_port,
        )
        for service in self.services.values():
            service.start(wait=False)
        for service in self.services.values():
            if service.port is not None:
                assert service.process is not None
                wait_for_port(service.port, process=service.process)
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()

    def _supervise(self) -> None:
        while not self._stopping.wait(0.2):
            for service in list(self.services.values()):
                if service.wanted and service.process is not None and service.process.poll() is not None:
                    time.sleep(RESTART_SECONDS)
                    if self._stopping.is_set() or not service.wanted:
                        return
                    service.restarts += 1
                    service.start(wait=False)

    def stop(self) -> None:
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
        for service in reversed(list(self.services.values())):
            service.stop()

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}\n{service.log.read_text(errors='replace')[-4000:]}"
            for name, service in self.services.items()
            if service.log and service.log.exists()
        )


@dataclass
class PostgresCluster:
    """A throw-away PostgreSQL cluster (initdb in a temp folder, its own port and socket folder)."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mysupportspace-pg-")))
    port: int = 0
    max_connections: int = 100

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/mysupportspace"

    def _run(self, *args: str) -> None:
        # PostgreSQL refuses to run as root: as root, its commands run as nobody.
        user = _nobody() if os.geteuid() == 0 else None
        subprocess.run(  # noqa: S603
            args,
            check=True,
            capture_output=True,
            user=user,
            group=user,
            extra_groups=[] if user is not None else None,
            cwd=tempfile.gettempdir(),
        )

    def create(self) -> None:
        self.port = self.port or free_port()
        _own(self.folder)
        self._run(
            str(POSTGRES_BIN / "initdb"), "-D", str(self.folder / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8"
        )
        with open(self.folder / "data" / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.folder}'\n"
                f"max_connections = {self.max_connections}\nfsync = on\nshared_buffers = 128MB\n"
            )
        self.start()
        self._run(
            str(POSTGRES_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "mysupportspace"
        )

    def start(self) -> None:
        self._run(
            str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-w", "start"
        )

    def stop(self, *, mode: str = "fast") -> None:
        self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop(mode="immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def _nobody() -> int:
    import pwd

    return pwd.getpwnam("nobody").pw_uid


def _own(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chown(folder, _nobody(), _nobody())
        folder.chmod(0o700)


@dataclass
class RedisServer:
    """A throw-away redis-server on its own port, keeping nothing on disk."""

    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.port = self.port or free_port()
        self.process = subprocess.Popen(  # noqa: S603
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def manage(*args: str, env: Mapping[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=APP_ROOT, env=dict(env), check=True)  # noqa: S603
