"""Moving a lot along its lifecycle: new status, status-log row and event, in the caller's unit of work."""

from __future__ import annotations

from datetime import datetime

from reuse.domain.events import Event
from reuse.domain.lifecycle import Step, next_status
from reuse.domain.vocabulary import LotStatus
from reuse.models import Lot, StatusLogEntry
from reuse.unit_of_work import UnitOfWork


def move_lot(
    uow: UnitOfWork,
    lot: Lot,
    step: Step,
    event: Event,
    *,
    by: int | None,
    reason: str,
    now: datetime,
) -> str:
    """Apply `step` to `lot` (refusing illegal ones), log who/when/why and record `event`."""
    before = LotStatus(lot.status)
    lot.status = next_status(before, step).value
    lot.updated_at = now
    return log(uow, lot, event, before=before.value, by=by, reason=reason, now=now)


def follow_on(
    uow: UnitOfWork,
    lot: Lot,
    step: Step,
    *,
    event_id: str,
    by: int | None,
    reason: str,
    now: datetime,
) -> None:
    """Apply a further step caused by an event already recorded: one more log row, same event."""
    before = LotStatus(lot.status)
    lot.status = next_status(before, step).value
    lot.updated_at = now
    _add_log_row(uow, lot, before.value, by=by, reason=reason, now=now, event_id=event_id)


def log(
    uow: UnitOfWork,
    lot: Lot,
    event: Event,
    *,
    before: str | None,
    by: int | None,
    reason: str,
    now: datetime,
) -> str:
    """Record `event` and the status-log row that explains the lot's current status."""
    event_id = uow.record(event, now)
    _add_log_row(uow, lot, before, by=by, reason=reason, now=now, event_id=event_id)
    return event_id


def _add_log_row(
    uow: UnitOfWork,
    lot: Lot,
    before: str | None,
    *,
    by: int | None,
    reason: str,
    now: datetime,
    event_id: str,
) -> None:
    uow.session.add(
        StatusLogEntry(
            lot=lot,
            at=now,
            by_user_id=by,
            from_status=before,
            to_status=lot.status,
            reason=reason,
            event_id=event_id,
        )
    )
