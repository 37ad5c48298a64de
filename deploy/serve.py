"""`make serve`: the production topology on this machine, without root.

nginx (deploy/nginx/mysupportspace.conf, its own config in a temp folder) in front of gunicorn
for pages (one worker per core) and Daphne for the chat's websockets, with the task worker, all
on DATABASE_URL and REDIS_URL. A process that exits is started again, as systemd would.
Ctrl+C stops everything.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.topology import Topology

NEEDS = """make serve runs the production topology, which needs PostgreSQL and Redis:
  DATABASE_URL=postgres://USER@HOST:5432/NAME REDIS_URL=redis://HOST:6379/0 make serve
(`make run` serves the embedded default without them.)"""


def main() -> int:
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        print(f"{' and '.join(missing)} not set.\n{NEEDS}", file=sys.stderr)
        return 2
    cores = os.cpu_count() or 1
    topology = Topology(
        env=os.environ,
        listen_port=int(os.environ.get("PORT", "8080")),
        http_workers=int(os.environ.get("WEB_CONCURRENCY", str(cores))),
        websocket_processes=int(os.environ.get("WEBSOCKET_PROCESSES", str(cores))),
    )
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    topology.start()
    print(
        f"Serving on {topology.url}/ through nginx: gunicorn ({topology.http_workers} workers) for pages, "
        f"{topology.websocket_processes} Daphne processes for /ws/, and the task worker. "
        f"Logs in {topology.folder}. Ctrl+C stops them all."
    )
    try:
        stop.wait()
    finally:
        topology.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
