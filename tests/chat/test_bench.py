"""bench/chat_latency.py runs (at a tiny size, so the suite stays quick) and cannot quietly rot."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

BENCH = [sys.executable, "bench/chat_latency.py"]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BENCH, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_chat_bench_says_it_is_skipped_without_redis() -> None:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    result = _run(env)
    assert result.returncode == 0, result.stderr
    assert "Chat latency: skipped. It needs Redis" in result.stdout


def test_the_chat_bench_measures_the_chat_and_the_floor_at_a_tiny_size() -> None:
    if not os.environ.get("REDIS_URL"):
        pytest.skip("the chat bench needs Redis: set REDIS_URL to run it")
    result = _run(dict(os.environ), "--conversations", "3", "--rounds", "2", "--interval", "0.4")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    floor = next(line for line in lines if line.startswith("floor:"))
    chat = next(line for line in lines if line.startswith("chat:"))
    # 3 conversations, 2 measured messages each way: all 12 arrive, on each stack.
    assert "12 messages, 0 lost" in floor
    assert "12 messages, 0 lost" in chat
    assert any(line.startswith("Load average before") for line in lines)
    assert any(line.startswith("chat p95") for line in lines)
