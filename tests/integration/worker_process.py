"""Starting a real Celery worker process for the tests of worker behaviour."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reuse.config import Settings

WORKER_FLAGS = ["--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", "reuse"]


def settings_env(settings: Settings) -> dict[str, str]:
    return os.environ | {
        "REUSE_DATABASE_URL": settings.database_url,
        "REUSE_BROKER_URL": settings.broker_url,
        "REUSE_INSTANCE_PATH": str(settings.instance_path),
        "REUSE_RELAY_INTERVAL_S": "1",
    }


def start_worker(settings: Settings, log: Path, concurrency: int = 2) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "workers",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
    ]
    return subprocess.Popen(
        [*command, *WORKER_FLAGS],
        env=settings_env(settings),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_beat(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    schedule = settings.instance_path / "beat-schedule"
    return subprocess.Popen(
        [sys.executable, "-m", "workers", "beat", "--loglevel=INFO", f"--schedule={schedule}"],
        env=settings_env(settings),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(condition: Callable[[], bool], timeout: float = 30.0, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()
