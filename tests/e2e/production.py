"""The production topology under test, and the `reuse` command run against its database."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from web.topology import Topology

REUSE = Path(sys.executable).with_name("reuse")


def run_reuse(env: dict[str, str], *args: str) -> str:
    """Run a `reuse` command with these settings; return what it printed."""
    done = subprocess.run([str(REUSE), *args], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"reuse {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


@dataclass(frozen=True)
class Production:
    """The running topology and the settings its processes were given."""

    topology: Topology
    env: dict[str, str]

    @property
    def url(self) -> str:
        return self.topology.url

    def reuse(self, *args: str) -> str:
        """Run a `reuse` command against the topology's database."""
        return run_reuse(self.env, *args)
