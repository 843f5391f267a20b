"""Retrying a transaction that lost a race: SQLite still busy, PostgreSQL serialization or deadlock.

Such errors say nothing about the request, only that another transaction got there first;
running the whole use case again (a fresh transaction) is the correct answer, not an error page.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError

T = TypeVar("T")

ATTEMPTS = 8
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
TRANSIENT_SQLITE = ("database is locked", "database table is locked", "database is busy")


def is_transient(error: BaseException) -> bool:
    """Tell whether a database error only means "try again": lock, busy, serialization, deadlock."""
    if not isinstance(error, DBAPIError) or isinstance(error, IntegrityError):
        return False
    if getattr(error.orig, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    return any(text in str(error.orig).lower() for text in TRANSIENT_SQLITE)


def retrying(
    work: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    also: Callable[[BaseException], bool] = lambda _: False,
) -> T:
    """Run `work` (one whole transaction) again after a transient error, with jittered backoff."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as error:
            if attempt == attempts or not (is_transient(error) or also(error)):
                raise
            time.sleep(random.uniform(0, min(0.25, 0.005 * 2**attempt)))
    raise AssertionError("unreachable")
