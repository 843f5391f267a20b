"""One use case, one transaction: state, status log and outbox rows commit together or not at all."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from reuse.domain.events import Event
from reuse.models import OutboxMessage

AfterCommit = Callable[[Sequence[OutboxMessage]], None]


class ReadOnlyUseCase(RuntimeError):
    """A use case given a unit of work for reading tried to commit (a programming error)."""


class UnitOfWork:
    """A session whose events are written to the outbox on commit; rolls back unless committed.

    `after_commit` is told which outbox rows were just committed (the worker side uses it to
    nudge the relay); a failure there never undoes the commit, the periodic sweep catches up.
    A unit of work for `reading` serves use cases that only read, and refuses to commit.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        after_commit: AfterCommit | None = None,
        *,
        reading: bool = False,
    ) -> None:
        self._session_factory = session_factory
        self._after_commit = after_commit
        self._events: list[OutboxMessage] = []
        self.reading = reading

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self._events = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.session.close()  # rolls back whatever was not committed

    def record(self, event: Event, now: datetime | None = None) -> str:
        """Add an event to this transaction's outbox rows and return its id."""
        at = now or datetime.now(UTC)
        message = OutboxMessage(
            event_id=str(uuid.uuid4()),
            name=event.name,
            lot_id=event.lot_id,
            payload=event.payload(),
            occurred_at=at,
            available_at=at,
        )
        self.session.add(message)
        self._events.append(message)
        return message.event_id

    def commit(self) -> None:
        """Commit state and events together, then tell `after_commit` about the events."""
        if self.reading:
            raise ReadOnlyUseCase("a unit of work for reading does not commit")
        self.session.commit()
        committed, self._events = self._events, []
        if committed and self._after_commit is not None:
            self._after_commit(committed)
