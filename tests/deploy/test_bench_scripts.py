"""The bench script runs end to end at a tiny size (its figures are printed, never asserted)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.topology import NGINX, POSTGRES_BIN

ROOT = Path(__file__).resolve().parents[2]
READY = os.path.exists(NGINX) and (POSTGRES_BIN / "initdb").exists() and bool(shutil.which("redis-server"))

pytestmark = [
    pytest.mark.nginx,
    pytest.mark.skipif(
        not READY and os.environ.get("REQUIRE_NGINX") != "1",
        reason="needs nginx, PostgreSQL 15's binaries and redis-server",
    ),
]


def test_the_page_bench_prints_every_page_beside_the_floor() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "bench/pages.py", "--entries", "5", "--rounds", "1", "--seconds", "1", "--service-runs", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = result.stdout
    for name in (
        "floor",
        "home, signed out",
        "guide step, signed in",
        "diary list (5 entries)",
        "POST a diary entry",
        "organisations",
    ):
        assert name in table
    assert "load average" in table


def test_the_soak_runs_journeys_and_chats_through_a_postgresql_restart_and_accounts_for_every_write() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "bench/soak.py", "--users", "3", "--seconds", "45", "--faults", "postgres", "--think", "1,3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for line in (
        "people: 3; requests:",
        "5xx or no answer, postgres:",
        "acknowledged writes:",
        "lost: 0",
        "hand-offs:",
        "error pages showing a stack trace: 0",
        "chats: ",
        "acknowledged messages:",
        "load generator:",
    ):
        assert line in result.stdout
    # The chat journey ran (whether its messages got through a PostgreSQL restart on a busy machine varies).
    assert not any(line.startswith("chats: 0 started, 0 ended") for line in result.stdout.splitlines())


def test_the_scale_bench_prints_each_page_at_both_sizes() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "bench/scale.py", "--small", "3", "--large", "6", "--runs", "2", "--rounds", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("diary list", "the person's home", "caseworker queue", "large/small", "in 2 interleaved rounds"):
        assert name in result.stdout
