"""The platform of `make run` (`python -m web`) on an embedded instance: it starts, and a
Ctrl-C stops the web front and the worker cleanly, each finishing what it runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from integration.worker_process import free_port
from production import run_reuse

from web.topology import Topology

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 60.0
# What the worker and gunicorn print as they start and as they stop once their work is done.
MARKERS = (" ready.", "Listening at:", "Warm shutdown", "Shutting down: Master")


def still_running(marker: str) -> list[str]:
    """The command lines of the processes that mention `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if entry.name.isdigit() and marker in command:
            found.append(command)
    return found


def test_a_ctrl_c_stops_the_embedded_web_front_and_worker_cleanly(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("REUSE_DATABASE_URL", "REUSE_BROKER_URL")
    }
    env |= {"REUSE_INSTANCE_PATH": str(tmp_path), "REUSE_COOKIE_SECURE": "0"}
    run_reuse(env, "db", "upgrade")
    run_reuse(env, "refdata", "load")
    port = free_port()
    front = Topology(f"http://127.0.0.1:{port}", tmp_path)  # only to ask its /readyz
    with (tmp_path / "output.log").open("wb") as output:
        runner = subprocess.Popen(
            [sys.executable, "-m", "web", "--port", str(port)], env=env, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not front.web_ready() and time.monotonic() < deadline:
            assert runner.poll() is None, (tmp_path / "output.log").read_text()
            time.sleep(0.25)
        runner.send_signal(signal.SIGINT)  # a terminal's Ctrl-C: the processes it started
        status = runner.wait(timeout=STOP_TIMEOUT_S)  # have sessions of their own
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
    printed = (tmp_path / "output.log").read_text()
    assert status == 0, printed
    lines = printed.splitlines()
    said = {marker: any(marker in line for line in lines) for marker in MARKERS}
    assert said == {marker: True for marker in MARKERS}, printed
    assert [line for line in lines if "exited with 'signal" in line or "Lost" in line] == []
    assert still_running(str(tmp_path)) + still_running(f"127.0.0.1:{port}") == []
