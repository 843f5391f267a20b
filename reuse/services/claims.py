"""Use cases of claims: take all or part of an offered lot, book the pickup, release, no-show.

The lot's remaining kilograms and the actor's weekly capacity are each changed by one
conditional UPDATE, so two recyclers clicking at once can never take the same kilogram twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from reuse.domain.claims import (
    ClaimRequest,
    LotShare,
    claimed_kg,
    ensure_active,
    ensure_pickup_missed,
    no_capacity_left,
    nothing_left,
    pickup_errors,
)
from reuse.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from reuse.domain.events import ClaimReleased, NoShowRecorded, OfferClaimed, PickupBooked
from reuse.domain.lifecycle import claim_step, release_step
from reuse.domain.vocabulary import ClaimStatus, LotStatus, OfferStatus
from reuse.models import Claim, Lot, Offer
from reuse.services.access import By, acting_user, ensure_acts_for_actor, lot_site_for_agent
from reuse.services.actor_directory import PARIS, week_start
from reuse.services.actor_weeks import capacity_left, give_back_capacity, take_capacity
from reuse.services.contention import retrying
from reuse.services.lifecycle import log
from reuse.services.settlement import has_counted_claims, settle
from reuse.unit_of_work import UnitOfWork

CLAIMABLE_LOTS = (LotStatus.OFFERED.value, LotStatus.PARTIALLY_CLAIMED.value)
CLAIMABLE_OFFERS = frozenset({OfferStatus.OPEN, OfferStatus.CLAIMED})
WHOLE = ClaimRequest()


@dataclass(frozen=True)
class ClaimResult:
    claim_id: int
    lot_id: int
    kg: Decimal
    status: str
    lot_status: str
    lot_remaining_kg: Decimal
    replayed: bool = False


def claim_offer(
    uow: UnitOfWork,
    *,
    by: By,
    offer_id: int,
    request: ClaimRequest = WHOLE,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> ClaimResult:
    """Take all or part of an offered lot within what is left and the actor's weekly capacity."""
    at = now or datetime.now(UTC)

    def duplicate(error: BaseException) -> bool:
        # The same key racing itself: the loser runs again and finds the winner's claim.
        return idempotency_key is not None and isinstance(error, IntegrityError)

    work = lambda: _claim(uow, by, offer_id, request, idempotency_key, at)  # noqa: E731
    return retrying(work, also=duplicate)


def _claim(
    uow: UnitOfWork, by: By, offer_id: int, request: ClaimRequest, key: str | None, at: datetime
) -> ClaimResult:
    with uow:
        user = acting_user(uow.session, by)
        offer = _offer(uow, offer_id)
        ensure_acts_for_actor(user, offer.actor_id)
        replay = _replayed(uow, offer, key)
        if replay is not None:
            return replay
        lot = _claimable_lot(offer, at)
        kilograms = claimed_kg(
            request, LotShare(lot.estimated_kg, lot.item_count, lot.remaining_kg)
        )
        _take_from_lot(uow, lot, kilograms, at)
        _take_capacity(uow, offer.actor_id, week_start(at), kilograms)
        claim = _new_claim(uow, offer, kilograms, request, key, by=user.id, at=at)
        event = OfferClaimed(lot.id, claim.id, offer.id, offer.actor_id, str(kilograms))
        step = claim_step(lot.remaining_kg)
        settle(uow, lot, event, first=step, by=user.id, reason=f"claimed {kilograms} kg", now=at)
        uow.commit()
        return _result(claim, lot)


def _offer(uow: UnitOfWork, offer_id: int) -> Offer:
    offer = uow.session.get(Offer, offer_id, options=[joinedload(Offer.lot)])
    if offer is None:
        raise NotFound(f"no offer {offer_id}")
    return offer


def _claimable_lot(offer: Offer, at: datetime) -> Lot:
    if OfferStatus(offer.status) not in CLAIMABLE_OFFERS:
        raise Conflict(f"this offer is {offer.status}: it can no longer be claimed")
    if at >= offer.lot.deadline:
        raise Conflict(f"this lot was available until {offer.lot.deadline.isoformat()}")
    return offer.lot


def _replayed(uow: UnitOfWork, offer: Offer, key: str | None) -> ClaimResult | None:
    """The claim an earlier request with the same Idempotency-Key made, if any.

    The key names one claim of one offer: used again on another offer, it is refused.
    """
    if key is None:
        return None
    query = select(Claim).where(Claim.actor_id == offer.actor_id, Claim.idempotency_key == key)
    claim = uow.session.scalar(query)
    if claim is None:
        return None
    if claim.offer_id != offer.id:
        reused = FieldError("Idempotency-Key", "reused", "this key was used for another offer")
        raise ValidationFailed([reused])
    return _result(claim, claim.lot, replayed=True)


def _take_from_lot(uow: UnitOfWork, lot: Lot, kilograms: Decimal, at: datetime) -> None:
    """Lower what is left of the lot in one conditional update, or refuse saying what is left.

    The update returns the whole row it locked, which replaces the lot as loaded (another
    claim may have changed it since)."""
    taken = uow.session.scalars(
        update(Lot)
        .where(Lot.id == lot.id, Lot.remaining_kg >= kilograms, Lot.status.in_(CLAIMABLE_LOTS))
        .values(remaining_kg=Lot.remaining_kg - kilograms, updated_at=at)
        .returning(Lot)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).first()
    if taken is not None:
        return
    uow.session.refresh(lot)
    if lot.status not in CLAIMABLE_LOTS:
        raise Conflict(f"this lot is {lot.status}: it can no longer be claimed (0.000 kg left)")
    raise Conflict(nothing_left(lot.remaining_kg))


def _take_capacity(uow: UnitOfWork, actor_id: int, week: date, kilograms: Decimal) -> None:
    if not take_capacity(uow.session, actor_id, week, kilograms):
        raise Conflict(no_capacity_left(capacity_left(uow.session, actor_id, week)))


def _new_claim(
    uow: UnitOfWork,
    offer: Offer,
    kilograms: Decimal,
    request: ClaimRequest,
    key: str | None,
    *,
    by: int,
    at: datetime,
) -> Claim:
    claim = Claim(
        lot_id=offer.lot_id, offer_id=offer.id, actor_id=offer.actor_id, kg=kilograms,
        item_count=request.items, week_start=week_start(at), status=ClaimStatus.ACTIVE.value,
        idempotency_key=key, pickup_at=None, claimed_at=at, claimed_by_id=by,
    )  # fmt: skip
    offer.status = OfferStatus.CLAIMED.value
    uow.session.add(claim)
    uow.session.flush()
    return claim


def _result(claim: Claim, lot: Lot, replayed: bool = False) -> ClaimResult:
    return ClaimResult(
        claim.id, lot.id, claim.kg, claim.status, lot.status, lot.remaining_kg, replayed
    )


def book_pickup(
    uow: UnitOfWork, *, by: By, claim_id: int, pickup_at: datetime, now: datetime | None = None
) -> ClaimResult:
    """Book (or move) the pickup of an active claim on a day the site is open, before the deadline."""
    at = now or datetime.now(UTC)
    return retrying(lambda: _book(uow, by, claim_id, pickup_at, at))


def _book(uow: UnitOfWork, by: By, claim_id: int, pickup_at: datetime, at: datetime) -> ClaimResult:
    with uow:
        user = acting_user(uow.session, by)
        claim, lot = locked_claim(uow, claim_id)
        ensure_acts_for_actor(user, claim.actor_id)
        ensure_active(ClaimStatus(claim.status), "booked")
        errors = pickup_errors(
            pickup_at, opening_weekdays=frozenset(lot.site.opening_weekdays),
            available_from=lot.available_from, deadline=lot.deadline, now=at, zone=PARIS,
        )  # fmt: skip
        if errors:
            raise ValidationFailed(errors)
        claim.pickup_at = pickup_at
        event = PickupBooked(lot.id, claim.id, pickup_at.isoformat())
        reason = f"pickup booked for {pickup_at.astimezone(PARIS).isoformat()}"
        log(uow, lot, event, before=lot.status, by=user.id, reason=reason, now=at)
        uow.commit()
        return _result(claim, lot)


def release_claim(
    uow: UnitOfWork, *, by: By, claim_id: int, reason: str = "", now: datetime | None = None
) -> ClaimResult:
    """The actor gives its claim up: the kilograms go back to the lot and to its week."""
    at = now or datetime.now(UTC)
    return retrying(lambda: _release(uow, by, claim_id, reason.strip(), at))


def _release(uow: UnitOfWork, by: By, claim_id: int, reason: str, at: datetime) -> ClaimResult:
    with uow:
        user = acting_user(uow.session, by)
        claim, lot = locked_claim(uow, claim_id)
        ensure_acts_for_actor(user, claim.actor_id)
        ensure_active(ClaimStatus(claim.status), "released")
        _give_back(uow, claim, lot, ClaimStatus.RELEASED, at)
        event = ClaimReleased(lot.id, claim.id, claim.actor_id, str(claim.kg), reason)
        why = f"released {claim.kg} kg" + (f": {reason}" if reason else "")
        step = release_step(claims_left=has_counted_claims(uow.session, lot.id))
        settle(uow, lot, event, first=step, by=user.id, reason=why, now=at)
        uow.commit()
        return _result(claim, lot)


def record_no_show(
    uow: UnitOfWork, *, by: By, claim_id: int, now: datetime | None = None
) -> ClaimResult:
    """The site's agent records that nobody came: the kilograms go back on offer."""
    at = now or datetime.now(UTC)
    return retrying(lambda: _no_show(uow, by, claim_id, at))


def _no_show(uow: UnitOfWork, by: By, claim_id: int, at: datetime) -> ClaimResult:
    with uow:
        user = acting_user(uow.session, by)
        claim, lot = locked_claim(uow, claim_id)
        lot_site_for_agent(uow.session, user, lot.site_id)
        ensure_active(ClaimStatus(claim.status), "marked as a no-show")
        ensure_pickup_missed(claim.pickup_at, at)
        _give_back(uow, claim, lot, ClaimStatus.NO_SHOW, at)
        event = NoShowRecorded(lot.id, claim.id, claim.actor_id, str(claim.kg))
        step = release_step(claims_left=has_counted_claims(uow.session, lot.id))
        reason = f"no-show: {claim.kg} kg back on offer"
        settle(uow, lot, event, first=step, by=user.id, reason=reason, now=at)
        uow.commit()
        return _result(claim, lot)


def _give_back(uow: UnitOfWork, claim: Claim, lot: Lot, status: ClaimStatus, at: datetime) -> None:
    """End the claim; its kilograms return to the lot (re-offered by the next wave) and its week."""
    claim.status = status.value
    lot.remaining_kg += claim.kg
    lot.next_wave_at = at
    give_back_capacity(uow.session, claim.actor_id, claim.week_start, claim.kg)


def locked_claim(uow: UnitOfWork, claim_id: int) -> tuple[Claim, Lot]:
    """A claim with its lot locked first (every change to a lot's claims locks the lot first)."""
    lot_id = uow.session.scalar(select(Claim.lot_id).where(Claim.id == claim_id))
    if lot_id is None:
        raise NotFound(f"no claim {claim_id}")
    lot = uow.session.get_one(Lot, lot_id, with_for_update=True)
    return uow.session.get_one(Claim, claim_id), lot
