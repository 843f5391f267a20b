"""The platform's processes without Docker: the production topology (gunicorn, Celery workers
and beat) and the embedded run of `make run` (gunicorn and one worker with its beat).

The production commands are those of docker-compose.yml (a test keeps them equal); on this
machine the web front binds a loopback port, `python` and `gunicorn` are this environment's,
and beat keeps its schedule in the instance folder. Each process runs in a session of its own:
a Ctrl-C in the terminal reaches only the process that started them, which stops each one as
docker stop does, and after a grace period kills whatever is left of its process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

WEB = ("gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-",
       "web:create_app()")  # fmt: skip
WORKER = ("python", "-m", "workers", "worker", "--loglevel=INFO", "--concurrency=2")
BEAT = ("python", "-m", "workers", "beat", "--loglevel=INFO",
        "--schedule=/var/lib/reuse/beat-schedule")  # fmt: skip
COMPOSE_BIND = "0.0.0.0:8000"
COMPOSE_SCHEDULE = "--schedule=/var/lib/reuse/beat-schedule"
# `make run`: fewer web processes, one worker that runs beat too (SQLite, one writer at a time).
EMBEDDED_WEB = ("gunicorn", "--bind", COMPOSE_BIND, "--workers", "2", "--access-logfile", "-",
                "web:create_app()")  # fmt: skip
EMBEDDED_WORKER = ("python", "-m", "workers", "worker", "--beat", "--loglevel=INFO",
                   "--concurrency=2", COMPOSE_SCHEDULE)  # fmt: skip
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0


class TopologyFailed(RuntimeError):
    """A process of the topology died or never became ready; the message holds its logs."""


@dataclass
class Topology:
    """The processes started by `running_topology`, by name, and the folder of their logs."""

    url: str
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def spawn(
        self, name: str, command: Sequence[str], env: Mapping[str, str] | None,
        *, to_terminal: bool = False,
    ) -> None:  # fmt: skip
        """Start `command` in a new session, its output in `<logs>/<name>.log` (or this
        process's terminal)."""
        with ExitStack() as files:
            log = None if to_terminal else files.enter_context(self.log(name).open("ab"))
            self.processes[name] = subprocess.Popen(  # noqa: S603 - our own programs
                list(command), stdout=log, stderr=subprocess.STDOUT, env=env,
                start_new_session=True,
            )  # fmt: skip

    def log(self, name: str) -> Path:
        """Where the output of process `name` goes (unless it goes to the terminal)."""
        return self.logs / f"{name}.log"

    def log_tails(self, chars: int = 3000) -> str:
        """The end of every process's log, for a failure report."""
        tails = []
        for name in self.processes:
            text = self.log(name).read_text(errors="replace")
            tails.append(f"----- {name} ({self.log(name)}) -----\n{text[-chars:]}")
        return "\n".join(tails)

    def wait_until_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        """Wait until /readyz answers 200 and every worker said it is ready."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.check_alive()
            if self.web_ready() and all(self._worker_ready(n) for n in self.processes):
                return
            time.sleep(0.25)
        raise TopologyFailed(f"not ready after {timeout_s:g} s\n{self.log_tails()}")

    def check_alive(self) -> None:
        """Raise if a process has exited."""
        dead = {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}
        if dead:
            raise TopologyFailed(f"exited: {dead}\n{self.log_tails()}")

    def stop(self) -> None:
        """SIGTERM each process, as docker stop does; after a grace period, SIGKILL whatever is
        left of its group. Only the main process is asked: gunicorn's master and Celery's main
        process stop their children once what they run is done (a Celery pool child that got
        the signal itself would die mid-task)."""
        for process in self.processes.values():
            with suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for process in self.processes.values():
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            _signal_group(process, signal.SIGKILL)  # stragglers of the group, if any
            process.wait()

    def web_ready(self) -> bool:
        """Whether the web front's /readyz answers 200."""
        try:
            with urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as answer:  # noqa: S310
                return bool(answer.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def _worker_ready(self, name: str) -> bool:
        if not name.startswith("worker"):
            return True
        return " ready." in self.log(name).read_text(errors="replace")


@contextmanager
def running_topology(
    logs: Path,
    instance: Path,
    port: int,
    env: Mapping[str, str] | None = None,
    workers: int = 2,
) -> Iterator[Topology]:
    """Start the web front, `workers` Celery workers and beat; stop them all on the way out.

    `env` is the processes' environment (the REUSE_* settings); None passes this one on.
    """
    topology = Topology(f"http://127.0.0.1:{port}", logs)
    for folder in (logs, instance):
        folder.mkdir(parents=True, exist_ok=True)
    try:
        topology.spawn("web", here(WEB, port, instance), env)
        for n in range(workers):
            worker = [*here(WORKER, port, instance), f"--hostname=worker-{n}@%h"]
            topology.spawn(f"worker-{n}", worker, env)
        topology.spawn("beat", here(BEAT, port, instance), env)
        topology.wait_until_ready()
        yield topology
    finally:
        topology.stop()


def here(command: Sequence[str], port: int, instance: Path) -> list[str]:
    """A docker-compose command as run on this machine."""
    local = {
        "python": sys.executable,
        "gunicorn": str(Path(sys.executable).with_name("gunicorn")),
        COMPOSE_BIND: f"127.0.0.1:{port}",
        COMPOSE_SCHEDULE: f"--schedule={instance / 'beat-schedule'}",
    }
    return [local.get(part, part) for part in command]


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def run_embedded(instance: Path, port: int) -> int:
    """The embedded platform in this terminal until SIGINT (Ctrl-C) or SIGTERM, or until one of
    its processes exits; then both are stopped. Return the exit status for the shell."""
    topology = Topology(f"http://127.0.0.1:{port}", instance)
    asked = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: asked.set())
    try:
        topology.spawn("web", here(EMBEDDED_WEB, port, instance), None, to_terminal=True)
        topology.spawn("worker", here(EMBEDDED_WORKER, port, instance), None, to_terminal=True)
        while not asked.wait(0.2):
            codes = {name: process.poll() for name, process in topology.processes.items()}
            exited = [f"{name} exited ({code})" for name, code in codes.items() if code is not None]
            if exited:
                print(f"stopping: {', '.join(exited)}", file=sys.stderr, flush=True)
                return 1
        print("stopping: each process finishes what it runs first", file=sys.stderr, flush=True)
        return 0
    finally:
        topology.stop()
