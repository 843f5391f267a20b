"""Starting a real Celery worker process for the tests of worker behaviour."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import redis

from reuse.config import Settings

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
RUN_LOCK = "reuse-tests:run-lock"
WORKER_FLAGS = ["--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", "reuse"]


def settings_env(settings: Settings) -> dict[str, str]:
    return os.environ | {
        "REUSE_DATABASE_URL": settings.database_url,
        "REUSE_BROKER_URL": settings.broker_url,
        "REUSE_INSTANCE_PATH": str(settings.instance_path),
        "REUSE_RELAY_INTERVAL_S": "1",
        "REUSE_VISIBILITY_TIMEOUT_S": str(settings.visibility_timeout_s),
        "REUSE_REMATCH_AFTER_S": str(settings.rematch_after_s),
    }


def start_worker(
    settings: Settings, log: Path, concurrency: int = 2, name: str = "reuse-test"
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "workers",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        f"--hostname={name}@%h",
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


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process and everything in its process group, then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)


def children_of(pid: int) -> list[int]:
    """Ids of the live child processes of `pid` (a worker's pool processes)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_redis(port: int, directory: Path) -> subprocess.Popen[bytes]:
    """A private, memory-only Redis server on `port`, answering once this returns."""
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--daemonize", "no", "--dir", str(directory)],
        stdout=(directory / "redis.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    assert wait_for(lambda: _answers(port), timeout=10), "the private Redis did not start"
    return server


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def shared_redis_database(url: str) -> Iterator[None]:
    """Hold a database of the shared Redis for one test, emptied first: test runs of other
    sessions on this machine wait, so their workers never take this test's tasks."""
    client = redis.Redis.from_url(url)
    lock = client.lock(RUN_LOCK, timeout=180, blocking_timeout=300)
    assert lock.acquire(), f"{url} stayed busy with another test run"
    try:
        for key in client.scan_iter():
            if key != RUN_LOCK.encode():
                client.delete(key)
        yield
    finally:
        with contextlib.suppress(redis.exceptions.LockError):
            lock.release()
