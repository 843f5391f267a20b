"""The benches' CPU accounting, read from a /proc tree written here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reuse.benchmarks.cpu import cpu_seconds, in_groups, named, processes

TICK = os.sysconf("SC_CLK_TCK")


def stat_line(pid: int, name: str, group: int, user_ticks: int, system_ticks: int) -> str:
    # pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    rest = f"S 1 {group} {group} 0 -1 0 0 0 0 0 {user_ticks} {system_ticks} 0 0 20 0 1 0 100"
    return f"{pid} ({name}) {rest}\n"


@pytest.fixture
def proc(tmp_path: Path) -> Path:
    for pid, name, group, user, system in [
        (10, "gunicorn", 10, 3 * TICK, TICK),
        (11, "gunicorn", 10, 2 * TICK, 0),  # a worker forked by the master
        (20, "postgres", 20, TICK, TICK),
        (21, "python (x) y", 30, 5 * TICK, 0),  # a name with spaces and parentheses
    ]:
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(stat_line(pid, name, group, user, system))
    (tmp_path / "99").mkdir()  # a process that exited before its stat was read
    (tmp_path / "self").mkdir()
    return tmp_path


def test_each_process_reports_its_group_name_and_user_plus_system_seconds(proc: Path) -> None:
    found = {p.pid: p for p in processes(proc)}
    assert sorted(found) == [10, 11, 20, 21]
    assert (found[10].group, found[10].name, found[10].cpu_s) == (10, "gunicorn", 4.0)
    assert (found[21].group, found[21].name, found[21].cpu_s) == (30, "python (x) y", 5.0)


def test_cpu_seconds_add_up_by_kind_and_a_process_counts_once(proc: Path) -> None:
    kinds = {"web": in_groups({10}), "postgres": named("postgres"), "any": lambda _: True}
    assert cpu_seconds(kinds, proc) == {"web": 6.0, "postgres": 2.0, "any": 5.0}


def test_without_a_proc_tree_nothing_is_counted(tmp_path: Path) -> None:
    assert cpu_seconds({"web": in_groups({1})}, tmp_path / "missing") == {"web": 0.0}
