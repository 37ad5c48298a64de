"""The floor: the least a Django page can cost here (no database, no sessions, one view).

`make bench` serves it with the same server, the same way (nginx in front of gunicorn), and
prints every page of the service as a ratio to it.
"""

from __future__ import annotations

SECRET_KEY = "bench-floor-only-serves-fixed-html"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.floor.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
WSGI_APPLICATION = "bench.floor.wsgi.application"
