"""Stopping the topology as docker stop does: SIGTERM to each main process only, which stops
its children its own way (a Celery pool child that got the signal itself would die mid-task)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from web.topology import Topology

# A main process with one child: the child notes any SIGTERM it gets; the main process, on
# SIGTERM, asks the child to finish its work (SIGUSR1), waits for it, and exits 0.
MAIN = """
import os, signal, sys, time
note = sys.argv[1]
child = os.fork()
if child == 0:
    asked = []
    signal.signal(signal.SIGTERM, lambda *_: open(note, "a").write("child got SIGTERM\\n"))
    signal.signal(signal.SIGUSR1, lambda *_: asked.append(True))
    while not asked:
        time.sleep(0.05)
    time.sleep(0.3)  # finishing its work
    os._exit(0)
def stop(*_):
    os.kill(child, signal.SIGUSR1)
    os.waitpid(child, 0)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
open(note, "a").write("started\\n")
while True:
    time.sleep(0.05)
"""


def test_stopping_asks_each_main_process_and_leaves_its_children_to_it(tmp_path: Path) -> None:
    topology = Topology("http://127.0.0.1:0", tmp_path)
    note = tmp_path / "note"
    topology.spawn("main", [sys.executable, "-c", MAIN, str(note)], env=None)
    deadline = time.monotonic() + 10
    while not note.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # the child has set its handlers
    topology.stop()
    assert topology.processes["main"].returncode == 0
    assert note.read_text() == "started\n"
