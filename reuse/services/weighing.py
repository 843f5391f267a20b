"""Weighing at reception with a second look: an implausible weight is kept only once confirmed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from reuse.domain.errors import FieldError, NotFound, ValidationFailed
from reuse.domain.receptions import ClaimedPart, accept_measurement, reception_anomaly
from reuse.models import Claim
from reuse.services.access import By, acting_user, ensure_acts_for_actor
from reuse.services.receptions import ReceptionResult, receive_claim
from reuse.unit_of_work import UnitOfWork

CONFIRMATION = "confirm_anomaly"
ANOMALIES = {
    "looks_like_grams": "this looks like grams, not kilograms",
    "far_above_claimed": "this is more than 3 times the claimed weight",
    "heavier_than_plausible": "this is heavier per item than such items weigh",
}


def receive_confirmed(
    uow: UnitOfWork,
    *,
    by: By,
    claim_id: int,
    measured_kg: Decimal,
    note: str = "",
    confirmed: bool = False,
    now: datetime | None = None,
) -> ReceptionResult:
    """Record a claim's weighed kilograms; an implausible weight is refused until confirmed."""
    accept_measurement(measured_kg)
    anomaly = (
        None if confirmed else anomaly_of(uow, by=by, claim_id=claim_id, measured_kg=measured_kg)
    )
    if anomaly is not None:
        message = f"{ANOMALIES.get(anomaly, anomaly)}: check it, or send {CONFIRMATION}: true"
        raise ValidationFailed([FieldError("measured_kg", anomaly, message)])
    return receive_claim(uow, by=by, claim_id=claim_id, measured_kg=measured_kg, note=note, now=now)


def anomaly_of(uow: UnitOfWork, *, by: By, claim_id: int, measured_kg: Decimal) -> str | None:
    """What would look wrong with weighing `measured_kg` for this claim of the user's actor."""
    with uow:
        user = acting_user(uow.session, by)
        claim = uow.session.scalar(select(Claim).where(Claim.id == claim_id))
        if claim is None:
            raise NotFound(f"no claim {claim_id}")
        ensure_acts_for_actor(user, claim.actor_id)
        sub = claim.lot.subcategory
        part = ClaimedPart(claim.kg, claim.item_count, sub.min_item_kg, sub.max_item_kg)
        return reception_anomaly(measured_kg, part)
