"""Use cases after the pickup: weigh what came in (or record that nothing did), report outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from reuse.domain.claims import ensure_active
from reuse.domain.errors import Conflict, NotFound
from reuse.domain.events import ClaimReceived, NothingCollected, OutcomeCorrected, OutcomeReported
from reuse.domain.receptions import (
    CORRECTION_WINDOW,
    ClaimedPart,
    accept_measurement,
    accept_outcomes,
    accept_reason,
    ensure_correctable,
    reception_anomaly,
)
from reuse.domain.vocabulary import ClaimStatus
from reuse.models import Claim, Lot, Outcome, OutcomeLine, Reception, SupersededOutcome
from reuse.services.access import By, acting_user, ensure_acts_for_actor
from reuse.services.claims import locked_claim
from reuse.services.contention import retrying
from reuse.services.settlement import settle
from reuse.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ReceptionResult:
    reception_id: int
    claim_id: int
    claimed_kg: Decimal
    measured_kg: Decimal
    gap_kg: Decimal
    anomaly: str | None
    lot_status: str


@dataclass(frozen=True)
class OutcomeResult:
    reception_id: int
    lines: dict[str, Decimal]
    lot_status: str


def receive_claim(
    uow: UnitOfWork,
    *,
    by: By,
    claim_id: int,
    measured_kg: Decimal,
    note: str = "",
    now: datetime | None = None,
) -> ReceptionResult:
    """Record the weighed kilograms of a claim; an implausible weight is flagged, never refused."""
    at = now or datetime.now(UTC)
    accept_measurement(measured_kg)
    return retrying(lambda: _receive(uow, by, claim_id, measured_kg, note, at))


def _receive(
    uow: UnitOfWork, by: By, claim_id: int, measured: Decimal, note: str, at: datetime
) -> ReceptionResult:
    with uow:
        user = acting_user(uow.session, by)
        claim, lot = locked_claim(uow, claim_id)
        ensure_acts_for_actor(user, claim.actor_id)
        ensure_active(ClaimStatus(claim.status), "received")
        anomaly = reception_anomaly(measured, _part(claim, lot))
        reception = Reception(claim=claim, measured_kg=measured, received_at=at,
                              recorded_by_id=user.id, anomaly=anomaly, note=note)  # fmt: skip
        claim.status = ClaimStatus.RECEIVED.value
        uow.session.add(reception)
        uow.session.flush()
        event = ClaimReceived(lot.id, claim.id, reception.id, str(measured), anomaly)
        why = f"received {measured} kg of {claim.kg} kg claimed"
        settle(uow, lot, event, first=None, by=user.id, reason=why, now=at)
        uow.commit()
        gap = measured - claim.kg
        return ReceptionResult(reception.id, claim.id, claim.kg, measured, gap, anomaly, lot.status)


def _part(claim: Claim, lot: Lot) -> ClaimedPart:
    sub = lot.subcategory
    return ClaimedPart(claim.kg, claim.item_count, sub.min_item_kg, sub.max_item_kg)


def record_nothing_collected(
    uow: UnitOfWork, *, by: By, claim_id: int, reason: str, now: datetime | None = None
) -> ReceptionResult:
    """Record that a pickup brought nothing in, and why (never a zero weight)."""
    at = now or datetime.now(UTC)
    why = accept_reason(reason)
    return retrying(lambda: _nothing(uow, by, claim_id, why, at))


def _nothing(uow: UnitOfWork, by: By, claim_id: int, reason: str, at: datetime) -> ReceptionResult:
    with uow:
        user = acting_user(uow.session, by)
        claim, lot = locked_claim(uow, claim_id)
        ensure_acts_for_actor(user, claim.actor_id)
        ensure_active(ClaimStatus(claim.status), "closed as nothing collected")
        claim.status = ClaimStatus.NOT_COLLECTED.value
        event = NothingCollected(lot.id, claim.id, reason)
        why = f"nothing collected: {reason}"
        settle(uow, lot, event, first=None, by=user.id, reason=why, now=at)
        uow.commit()
        zero = Decimal("0.000")
        return ReceptionResult(0, claim.id, claim.kg, zero, -claim.kg, None, lot.status)


def report_outcomes(
    uow: UnitOfWork,
    *,
    by: By,
    reception_id: int,
    lines: Mapping[str, Decimal],
    now: datetime | None = None,
) -> OutcomeResult:
    """Say what became of a reception's kilograms, by outcome; at most what was received."""
    at = now or datetime.now(UTC)
    return retrying(lambda: _report(uow, by, reception_id, lines, at))


def _report(
    uow: UnitOfWork, by: By, reception_id: int, lines: Mapping[str, Decimal], at: datetime
) -> OutcomeResult:
    with uow:
        user = acting_user(uow.session, by)
        reception, lot = _locked_reception(uow, reception_id)
        ensure_acts_for_actor(user, reception.claim.actor_id)
        if reception.outcome_lines:
            raise Conflict("the outcomes of this reception are reported: correct them instead")
        accepted = accept_outcomes(lines, _outcome_slugs(uow), reception.measured_kg)
        _add_lines(uow, reception, accepted, by=user.id, at=at)
        event = OutcomeReported(lot.id, reception.id, _payload(accepted))
        settle(uow, lot, event, first=None, by=user.id, reason="outcomes reported", now=at)
        uow.commit()
        return OutcomeResult(reception.id, accepted, lot.status)


def correct_outcomes(
    uow: UnitOfWork,
    *,
    by: By,
    reception_id: int,
    lines: Mapping[str, Decimal],
    reason: str,
    now: datetime | None = None,
    window: timedelta = CORRECTION_WINDOW,
) -> OutcomeResult:
    """Replace a reception's outcomes within the window; the previous lines are kept, with why."""
    at = now or datetime.now(UTC)
    why = accept_reason(reason)
    return retrying(lambda: _correct(uow, by, reception_id, lines, why, at, window))


def _correct(
    uow: UnitOfWork,
    by: By,
    reception_id: int,
    lines: Mapping[str, Decimal],
    reason: str,
    at: datetime,
    window: timedelta,
) -> OutcomeResult:
    with uow:
        user = acting_user(uow.session, by)
        reception, lot = _locked_reception(uow, reception_id)
        ensure_acts_for_actor(user, reception.claim.actor_id)
        if not reception.outcome_lines:
            raise Conflict("no outcome of this reception is reported yet: report them first")
        ensure_correctable(_first_report(uow, reception), at, window)
        accepted = accept_outcomes(lines, _outcome_slugs(uow), reception.measured_kg)
        _supersede(uow, reception, by=user.id, reason=reason, at=at)
        _add_lines(uow, reception, accepted, by=user.id, at=at)
        event = OutcomeCorrected(lot.id, reception.id, _payload(accepted), reason)
        why = f"outcomes corrected: {reason}"
        settle(uow, lot, event, first=None, by=user.id, reason=why, now=at)
        uow.commit()
        return OutcomeResult(reception.id, accepted, lot.status)


def _locked_reception(uow: UnitOfWork, reception_id: int) -> tuple[Reception, Lot]:
    """A reception with its lot locked first, like every change to a lot's claims."""
    query = select(Claim.lot_id).join(Reception, Reception.claim_id == Claim.id)
    lot_id = uow.session.scalar(query.where(Reception.id == reception_id))
    if lot_id is None:
        raise NotFound(f"no reception {reception_id}")
    lot = uow.session.get_one(Lot, lot_id, with_for_update=True)
    return uow.session.get_one(Reception, reception_id), lot


def _outcome_slugs(uow: UnitOfWork) -> frozenset[str]:
    return frozenset(uow.session.scalars(select(Outcome.slug)))


def _add_lines(
    uow: UnitOfWork, reception: Reception, lines: dict[str, Decimal], *, by: int, at: datetime
) -> None:
    uow.session.add_all(
        OutcomeLine(
            reception=reception, outcome_slug=slug, kg=amount, reported_at=at, reported_by_id=by
        )
        for slug, amount in lines.items()
    )


def _supersede(
    uow: UnitOfWork, reception: Reception, *, by: int, reason: str, at: datetime
) -> None:
    """Move the current lines to the history, before the new ones take their place."""
    for line in list(reception.outcome_lines):
        uow.session.add(
            SupersededOutcome(
                reception_id=reception.id,
                outcome_slug=line.outcome_slug,
                kg=line.kg,
                reported_at=line.reported_at,
                reported_by_id=line.reported_by_id,
                superseded_at=at,
                superseded_by_id=by,
                reason=reason,
            )
        )
        reception.outcome_lines.remove(line)
        uow.session.delete(line)
    uow.session.flush()


def _first_report(uow: UnitOfWork, reception: Reception) -> datetime:
    """When outcomes of the reception were first reported (the correction window opens then)."""
    earliest = select(func.min(SupersededOutcome.reported_at)).where(
        SupersededOutcome.reception_id == reception.id
    )
    superseded = uow.session.scalar(earliest)
    current = min(line.reported_at for line in reception.outcome_lines)
    return min(current, superseded) if superseded else current


def _payload(lines: dict[str, Decimal]) -> tuple[dict[str, str], ...]:
    return tuple({"outcome": slug, "kg": str(amount)} for slug, amount in lines.items())
