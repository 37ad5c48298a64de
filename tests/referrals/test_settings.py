"""Referral settings are checked when the site starts, in a child process as a server would."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings as django_settings

START = "import django; django.setup(); from django.conf import settings as s; print(s.REFERRALS_CASEWORKER_ENDPOINT)"


def _start_with(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REFERRALS_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", START],
        env={**clean, "DJANGO_SETTINGS_MODULE": "mysupportspace.settings", "SECRET_KEY": "k" * 50, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_embedded_default_needs_no_referral_settings() -> None:
    result = _start_with()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_an_endpoint_needs_a_signing_secret() -> None:
    result = _start_with(REFERRALS_CASEWORKER_ENDPOINT="https://cases.example.org/in")
    assert result.returncode != 0
    assert "REFERRALS_SIGNING_SECRET" in result.stderr
    ok = _start_with(REFERRALS_CASEWORKER_ENDPOINT="https://cases.example.org/in", REFERRALS_SIGNING_SECRET="x" * 32)
    assert ok.returncode == 0, ok.stderr


def test_an_endpoint_must_be_a_web_address() -> None:
    result = _start_with(REFERRALS_CASEWORKER_ENDPOINT="file:///etc/passwd", REFERRALS_SIGNING_SECRET="x" * 32)
    assert result.returncode != 0
    assert "REFERRALS_CASEWORKER_ENDPOINT" in result.stderr


def test_bad_service_hours_stop_start_up() -> None:
    for env, name in [
        ({"REFERRALS_SERVICE_HOURS": "9-5"}, "REFERRALS_SERVICE_HOURS"),
        ({"REFERRALS_SERVICE_HOURS": "17:00-08:00"}, "REFERRALS_SERVICE_HOURS"),
        ({"REFERRALS_SERVICE_DAYS": "monday"}, "REFERRALS_SERVICE_DAYS"),
        ({"REFERRALS_CLOSED_DATES": "25/12/2026"}, "REFERRALS_CLOSED_DATES"),
    ]:
        result = _start_with(**env)
        assert result.returncode != 0, env
        assert name in result.stderr, env
