"""The CPU time processes have used, read from Linux's /proc: what a bench costs the machine,
by kind of process, a figure that holds whether or not the machine was saturated.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class Process:
    pid: int
    group: int  # process group id
    name: str  # the kernel's short command name (`postgres`, `python`…)
    cpu_s: float  # user + system


Selector = Callable[[Process], bool]


def processes(proc: Path = PROC) -> Iterator[Process]:
    """Every process visible now, with the CPU seconds it has used (none off Linux)."""
    if not proc.is_dir():
        return
    tick = os.sysconf("SC_CLK_TCK")
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue  # it exited meanwhile
        # "pid (name) state ppid pgrp …": the name may hold spaces and parentheses.
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        cpu_s = (int(fields[11]) + int(fields[12])) / tick
        yield Process(int(entry.name), int(fields[2]), name, cpu_s)


def cpu_seconds(kinds: Mapping[str, Selector], proc: Path = PROC) -> dict[str, float]:
    """CPU seconds used so far by the processes of each kind (the first kind that selects it)."""
    used = dict.fromkeys(kinds, 0.0)
    for process in processes(proc):
        kind = next((k for k, selects in kinds.items() if selects(process)), None)
        if kind is not None:
            used[kind] += process.cpu_s
    return used


def in_groups(groups: set[int]) -> Selector:
    """The processes of these process groups (a program and the children it forked)."""
    return lambda process: process.group in groups


def named(name: str) -> Selector:
    """The processes of this command name."""
    return lambda process: process.name == name


def this_process() -> Selector:
    """The calling process."""
    pid = os.getpid()
    return lambda process: process.pid == pid
