"""Relay of committed events to a publisher: claimed safely, retried with backoff, never lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Select, func, select, update
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
        # One statement locks the due rows and marks them sent; the transaction commits only
        # after publishing, and a row whose publish failed is put back pending first.
        claimed = session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(_due(at, batch)))
            .values(sent_at=at)
            .returning(OutboxMessage)
            .execution_options(synchronize_session=False, populate_existing=True)
        ).all()
        for message in sorted(claimed, key=lambda m: m.id):
            try:
                publisher.publish(message)
            except Exception as error:
                message.sent_at = None
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                message.available_at = at + backoff(message.attempts)
                failed += 1
            else:
                published += 1
    return RelayResult(published, failed)


def _due(at: datetime, batch: int) -> Select[int]:
    return (
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.available_at <= at)
        .order_by(OutboxMessage.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )


def pending_count(session: Session) -> int:
    """How many events still wait to be published."""
    pending = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    return session.scalar(pending) or 0
