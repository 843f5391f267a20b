"""Relay of committed events to a publisher: claimed safely, retried with backoff, never lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from reuse.models import OutboxMessage

MAX_BACKOFF = timedelta(minutes=10)


class Publisher(Protocol):
    """Hands one event to the outside world (a broker, or a list in tests)."""

    def publish(self, message: OutboxMessage) -> None: ...


@dataclass(frozen=True)
class RelayResult:
    published: int
    failed: int


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after `attempts` failures: 2 s doubling, capped."""
    return min(timedelta(seconds=2 ** min(attempts, 20)), MAX_BACKOFF)


def relay(
    sessions: sessionmaker[Session],
    publisher: Publisher,
    now: datetime | None = None,
    batch: int = 100,
) -> RelayResult:
    """Publish due pending events once each; a failed publish stays pending with backoff.

    Rows are claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so two relays never publish
    the same row; on SQLite the write transaction begins IMMEDIATE, which serialises relays.
    """
    at = now or datetime.now(UTC)
    published = failed = 0
    with sessions() as session, session.begin():
        for message in session.scalars(_due(at, batch)):
            try:
                publisher.publish(message)
            except Exception as error:
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                message.available_at = at + backoff(message.attempts)
                failed += 1
            else:
                message.sent_at = at
                published += 1
    return RelayResult(published, failed)


def _due(at: datetime, batch: int) -> Select[OutboxMessage]:
    return (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.available_at <= at)
        .order_by(OutboxMessage.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )


def pending_count(session: Session) -> int:
    """How many events still wait to be published."""
    pending = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    return session.scalar(pending) or 0
