"""Settings are read afresh in a child process, exactly as a server would start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings as django_settings

READ = (
    "import json, mysupportspace.settings as s; print(json.dumps({"
    "'debug': s.DEBUG, 'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE,"
    "'hsts': s.SECURE_HSTS_SECONDS, 'ssl_redirect': s.SECURE_SSL_REDIRECT,"
    "'engine': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'],"
    "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'email': s.EMAIL_BACKEND}))"
)


def _settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SITE_HTTPS"}
    }
    return subprocess.run(
        [sys.executable, "-c", READ],
        env={**clean, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_embedded_default_is_sqlite_locmem_and_console_email() -> None:
    result = _settings_with(SECRET_KEY="k" * 50)
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["cache"].endswith("LocMemCache")
    assert values["layer"].endswith("InMemoryChannelLayer")
    assert values["email"].endswith("console.EmailBackend")
    assert values["session_secure"] is False


def test_production_like_variables_give_secure_cookies_hsts_and_no_debug() -> None:
    result = _settings_with(
        SECRET_KEY="k" * 50,
        SITE_HTTPS="1",
        DATABASE_URL="postgres://app@db.internal:5432/app",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["session_secure"] is True
    assert values["csrf_secure"] is True
    assert values["ssl_redirect"] is True
    assert values["hsts"] >= 31536000
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["cache"].endswith("RedisCache")
    assert values["layer"].endswith("RedisChannelLayer")


def test_missing_secret_key_outside_debug_fails_loudly() -> None:
    result = _settings_with()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_runs_without_a_secret_key() -> None:
    result = _settings_with(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is True


def test_an_unknown_boolean_is_rejected() -> None:
    result = _settings_with(SECRET_KEY="k" * 50, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_a_database_url_that_is_not_postgres_is_rejected() -> None:
    result = _settings_with(SECRET_KEY="k" * 50, DATABASE_URL="mysql://x@y/z")
    assert result.returncode != 0
    assert "DATABASE_URL must be a postgres" in result.stderr


def test_check_deploy_passes_with_production_like_variables() -> None:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, "SECRET_KEY": "a-long-random-production-like-secret-" + "x9" * 20, "SITE_HTTPS": "1"},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
