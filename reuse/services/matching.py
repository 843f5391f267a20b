"""Use cases that turn a lot into offers, wave after wave; replays change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from reuse.domain.events import OffersSent
from reuse.domain.lifecycle import Step
from reuse.domain.matching import LotToMatch, MatchPolicy, WavePlan, plan_wave
from reuse.domain.quantities import kg
from reuse.domain.vocabulary import Condition, LotStatus, OfferStatus
from reuse.models import Lot, Offer, Site, Territory
from reuse.services.actor_directory import ActorDirectory
from reuse.services.lifecycle import log, move_lot
from reuse.services.lots import mark_lot_unmatched
from reuse.unit_of_work import UnitOfWork

MATCHABLE = frozenset(
    {LotStatus.DECLARED, LotStatus.UNMATCHED, LotStatus.OFFERED, LotStatus.PARTIALLY_CLAIMED}
)


@dataclass(frozen=True)
class WaveResult:
    lot_id: int
    wave: int
    offer_ids: tuple[int, ...]
    unmatched: bool
    replayed: bool = False


def match_lot(
    uow: UnitOfWork, directory: ActorDirectory, *, lot_id: int, now: datetime | None = None
) -> WaveResult:
    """Send the first wave of offers for a declared lot, or mark it unmatched at once."""
    at = now or datetime.now(UTC)
    with uow:
        lot = _locked_lot(uow, lot_id)
        if lot is None or lot.status != LotStatus.DECLARED:
            return WaveResult(lot_id, lot.wave if lot else 0, (), False, replayed=True)
        result = _run_wave(uow, directory, lot, 1, at)
        uow.commit()
        return result


def advance_wave(
    uow: UnitOfWork, directory: ActorDirectory, *, lot_id: int, now: datetime | None = None
) -> WaveResult:
    """Run the lot's next wave if it is due (more actors, then a wider radius)."""
    at = now or datetime.now(UTC)
    with uow:
        lot = _locked_lot(uow, lot_id)
        due = lot is not None and lot.next_wave_at is not None and lot.next_wave_at <= at
        if lot is None or not due or lot.status not in MATCHABLE - {LotStatus.DECLARED}:
            return WaveResult(lot_id, lot.wave if lot else 0, (), False, replayed=True)
        result = _run_wave(uow, directory, lot, lot.wave + 1, at)
        uow.commit()
        return result


def lots_due_for_a_wave(
    uow: UnitOfWork, *, now: datetime | None = None, limit: int = 500
) -> list[int]:
    """Ids of lots whose hold window is over."""
    at = now or datetime.now(UTC)
    with uow:
        query = (
            select(Lot.id)
            .where(Lot.next_wave_at <= at, Lot.status.in_([s.value for s in MATCHABLE]))
            .order_by(Lot.next_wave_at)
            .limit(limit)
        )
        return list(uow.session.scalars(query))


def lots_left_declared(
    uow: UnitOfWork, *, older_than: timedelta, now: datetime | None = None, limit: int = 500
) -> list[int]:
    """Ids of lots still `declared` (never matched) `older_than` after their declaration.

    Their first match task should have run long before: it was lost (a task killed at its
    time limit, a broker that forgot its queue), so they are matched again.
    """
    at = now or datetime.now(UTC)
    with uow:
        query = (
            select(Lot.id)
            .where(Lot.status == LotStatus.DECLARED.value, Lot.declared_at <= at - older_than)
            .order_by(Lot.declared_at)
            .limit(limit)
        )
        return list(uow.session.scalars(query))


def policy_of(territory: Territory) -> MatchPolicy:
    """The territory's matching thresholds."""
    return MatchPolicy(
        wave_size=territory.wave_size,
        wave_growth=territory.wave_growth,
        hold_window=timedelta(minutes=territory.hold_window_minutes),
    )


def lot_to_match(lot: Lot) -> LotToMatch:
    """The lot as matching sees it; the smallest useful part is one item."""
    one_item = lot.estimated_kg / lot.item_count if lot.item_count else lot.remaining_kg
    return LotToMatch(
        lot_id=str(lot.id),
        subcategory=lot.subcategory.slug,
        subcategory_label=lot.subcategory.label_fr,
        condition=Condition(lot.condition),
        lat=lot.site.lat,
        lon=lot.site.lon,
        remaining_kg=lot.remaining_kg,
        min_part_kg=kg(min(one_item, lot.remaining_kg)),
        available_from=lot.available_from,
        deadline=lot.deadline,
    )


def _locked_lot(uow: UnitOfWork, lot_id: int) -> Lot | None:
    # One round trip for the lot (locked) and what matching reads of it: site, territory and
    # subcategory, which lazy loading would fetch one by one on the path to the offers.
    query = (
        select(Lot)
        .where(Lot.id == lot_id)
        .options(
            joinedload(Lot.site, innerjoin=True).joinedload(Site.territory, innerjoin=True),
            joinedload(Lot.subcategory, innerjoin=True),
        )
        .with_for_update(of=Lot)
    )
    return uow.session.scalar(query)


def _run_wave(
    uow: UnitOfWork, directory: ActorDirectory, lot: Lot, wave: int, at: datetime
) -> WaveResult:
    policy = policy_of(lot.site.territory)
    target = lot_to_match(lot)
    reach = directory.in_reach(uow.session, target, policy, at)
    plan = plan_wave(target, reach, _offered_actors(uow, lot), wave, at, policy)
    if plan.offers:
        result = _send_offers(uow, lot, plan, at)
    elif lot.status == LotStatus.DECLARED:
        mark_lot_unmatched(uow, lot, "no eligible reuse actor", at)
        result = WaveResult(lot.id, wave, (), True)
    else:
        result = WaveResult(lot.id, wave, (), plan.unmatched)
    # Set after the offers are flushed, so the lot is written once, at commit.
    lot.wave, lot.next_wave_at = wave, plan.next_wave_at
    return result


def _offered_actors(uow: UnitOfWork, lot: Lot) -> frozenset[str]:
    if lot.wave == 0:  # no wave has run: nobody has had an offer yet
        return frozenset()
    offered = uow.session.scalars(select(Offer.actor_id).where(Offer.lot_id == lot.id))
    return frozenset(str(actor_id) for actor_id in offered)


def _send_offers(uow: UnitOfWork, lot: Lot, plan: WavePlan, at: datetime) -> WaveResult:
    offers = [
        Offer(
            lot_id=lot.id,
            actor_id=int(ranked.actor_id),
            wave=plan.wave_number,
            rank=ranked.rank,
            distance_km=kg(Decimal(str(round(ranked.distance_km, 3)))),
            score=kg(Decimal(str(round(ranked.score, 3)))),
            reasons=list(ranked.reasons),
            status=OfferStatus.OPEN.value,
            sent_at=at,
        )
        for ranked in plan.offers
    ]
    uow.session.add_all(offers)
    uow.session.flush()
    ids = tuple(o.id for o in offers)
    event = OffersSent(lot.id, plan.wave_number, ids)
    reason = f"wave {plan.wave_number}: {len(ids)} offers"
    if lot.status in (LotStatus.DECLARED, LotStatus.UNMATCHED):
        move_lot(uow, lot, Step.MATCH, event, by=None, reason=reason, now=at)
    else:
        log(uow, lot, event, before=lot.status, by=None, reason=reason, now=at)
    return WaveResult(lot.id, plan.wave_number, ids, False)
