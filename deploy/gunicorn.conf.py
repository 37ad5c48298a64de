"""gunicorn settings for the HTTP side (mysupportspace-http.service, `make serve`).

Sync workers, one per core (WEB_CONCURRENCY overrides): measured the fastest way to serve
Django's pages here (see README, "Production"). Each worker serves one request at a time and
borrows one database connection from its process's pool for it.
"""

from __future__ import annotations

import os

bind = os.environ.get("HTTP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1)))
worker_class = "sync"
# A request may first wait DATABASE_POOL_TIMEOUT_SECONDS (10) for a connection; well within this.
timeout = 30
graceful_timeout = 30
# Replace each worker now and then, so a slow leak of any kind cannot build up.
max_requests = 20000
max_requests_jitter = 2000
# The proxy on loopback is trusted for X-Forwarded-Proto; the visitor's address is worked out
# by mysupportspace/client_address.py from X-Forwarded-For, never by gunicorn.
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = None
errorlog = "-"
loglevel = "warning"
