"""The workers' log keeps what matters: empty outbox sweeps are not logged at INFO."""

from __future__ import annotations

import logging

import pytest

from workers.__main__ import QuietSweeps


def record(name: str, message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("celery.beat", "Scheduler: Sending due task relay-outbox (reuse.relay_outbox)"),
        ("celery.worker.strategy", "Task reuse.relay_outbox[5f0c] received"),
        ("celery.app.trace", "Task reuse.relay_outbox[5f0c] succeeded in 0.0121s: 0"),
    ],
)
def test_an_empty_sweep_leaves_no_info_line(name: str, message: str) -> None:
    assert not QuietSweeps().filter(record(name, message))


@pytest.mark.parametrize(
    ("name", "message", "level"),
    [
        ("celery.app.trace", "Task reuse.relay_outbox[5f0c] succeeded in 0.0121s: 3", logging.INFO),
        (
            "celery.app.trace",
            "Task reuse.relay_outbox[5f0c] raised: OperationalError",
            logging.ERROR,
        ),
        (
            "celery.beat",
            "Scheduler: Sending due task advance-waves (reuse.advance_waves)",
            logging.INFO,
        ),
        ("celery.worker.strategy", "Task reuse.match_lot[9a1e] received", logging.INFO),
        ("celery.app.trace", "Task reuse.match_lot[9a1e] succeeded in 0.08s: 0", logging.INFO),
    ],
)
def test_sweeps_that_published_failures_and_other_tasks_are_still_logged(
    name: str, message: str, level: int
) -> None:
    assert QuietSweeps().filter(record(name, message, level))
