"""Applying a change to a lot with every step it causes, under the one event that caused them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from reuse.domain.events import Event
from reuse.domain.lifecycle import EXPIRIES, LotProgress, Step, steps_after
from reuse.domain.vocabulary import ClaimStatus, LotStatus, OfferStatus
from reuse.models import Claim, Lot, Offer, OutcomeLine, Reception
from reuse.services.lifecycle import follow_on, log, move_lot
from reuse.unit_of_work import UnitOfWork

HOLDING = (ClaimStatus.ACTIVE, ClaimStatus.RECEIVED, ClaimStatus.NOT_COLLECTED)
FOLLOW_ON_REASONS = {
    Step.EXPIRE: "deadline passed",
    Step.EXPIRE_ALL_COLLECTED: "deadline passed; every claimed part is in",
    Step.RECEIVE_LAST: "every claim is in",
    Step.REPORT_LAST_OUTCOMES: "every reception has its outcomes",
}


def settle(
    uow: UnitOfWork,
    lot: Lot,
    event: Event,
    *,
    first: Step | None,
    by: int | None,
    reason: str,
    now: datetime,
) -> str:
    """Record `event` with its own step (if any) and the steps that follow; return the event id."""
    steps = steps_after(LotStatus(lot.status), first, progress(uow.session, lot, now))
    if not steps:
        return log(uow, lot, event, before=lot.status, by=by, reason=reason, now=now)
    if first is None:  # the event moves the lot only through what follows from it
        reason = f"{FOLLOW_ON_REASONS[steps[0]]}: {reason}"
    _expire_if(uow, lot, steps[0], now)
    event_id = move_lot(uow, lot, steps[0], event, by=by, reason=reason, now=now)
    for step in steps[1:]:
        _expire_if(uow, lot, step, now)
        follow_on(uow, lot, step, event_id=event_id, by=by, reason=FOLLOW_ON_REASONS[step], now=now)
    return event_id


def progress(session: Session, lot: Lot, now: datetime) -> LotProgress:
    """Where the lot's claims stand now (pending changes of this transaction included)."""
    return LotProgress(
        active_claims=has_active_claims(session, lot.id),
        unreported_receptions=has_unreported_receptions(session, lot.id),
        past_deadline=now >= lot.deadline,
    )


def has_active_claims(session: Session, lot_id: int) -> bool:
    """Tell whether some claim on the lot still waits for its pickup."""
    active = exists().where(Claim.lot_id == lot_id, Claim.status == ClaimStatus.ACTIVE)
    return bool(session.scalar(select(active)))


def has_counted_claims(session: Session, lot_id: int) -> bool:
    """Tell whether some claim still holds part of the lot (active, received or found empty)."""
    held = exists().where(Claim.lot_id == lot_id, Claim.status.in_(HOLDING))
    return bool(session.scalar(select(held)))


def has_unreported_receptions(session: Session, lot_id: int) -> bool:
    """Tell whether some reception of the lot has no outcome reported yet."""
    reported = exists().where(OutcomeLine.reception_id == Reception.id)
    unreported = exists().where(Reception.claim_id == Claim.id, Claim.lot_id == lot_id, ~reported)
    return bool(session.scalar(select(unreported)))


def withdraw_open_offers(uow: UnitOfWork, lot_id: int, at: datetime) -> None:
    """Close the lot's offers nobody took up."""
    uow.session.execute(
        update(Offer)
        .where(Offer.lot_id == lot_id, Offer.status == OfferStatus.OPEN)
        .values(status=OfferStatus.WITHDRAWN.value, closed_at=at)
    )


def _expire_if(uow: UnitOfWork, lot: Lot, step: Step, now: datetime) -> None:
    """At expiry the unclaimed remainder is missed and the open offers are withdrawn."""
    if step in EXPIRIES:
        lot.remaining_kg -= lot.remaining_kg
        withdraw_open_offers(uow, lot.id, now)
