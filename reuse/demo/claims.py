"""Claims on a generated lot: one actor or several by parts, within their weekly capacity."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from reuse.demo.calendar import at_local, local_date, week_start
from reuse.demo.receptions import receive
from reuse.demo.story import Payload, Story
from reuse.demo.world import DemoWorld, Ledger
from reuse.domain.events import LotExpired
from reuse.domain.lifecycle import Step
from reuse.domain.matching import next_collection_date
from reuse.domain.quantities import GRAM
from reuse.models import Actor, Claim, Offer

SPLIT_SHARE = 0.22
"""Share of multi-item lots offered to several actors that are taken in parts."""
REMAINDER_LEFT_SHARE = 0.25
"""Share of lots taken in parts whose last part nobody claims before the deadline."""


def claim_lot(
    story: Story,
    rng: random.Random,
    world: DemoWorld,
    ledger: Ledger,
    offers: list[tuple[Offer, Actor]],
) -> None:
    """Let offered actors claim the lot, then collect, weigh and report on what they took."""
    parts = _parts(rng, story, len(offers))
    claimants = _claimants(rng, offers, len(parts))
    at = story.lot.declared_at
    for (kilograms, items), (offer, actor) in zip(parts, claimants, strict=True):
        at += timedelta(minutes=rng.randint(20, 26 * 60))
        _claim(story, world, ledger, offer, actor, at, kilograms, items)
    if story.lot.remaining_kg > 0:
        expire(story, rng)
    _book_pickups(story, rng, world)
    receive(story, rng, world)


def _parts(rng: random.Random, story: Story, offered: int) -> list[tuple[Decimal, int | None]]:
    """How much each claimant means to take: all at once, or items split among 2–3 actors."""
    lot = story.lot
    items = lot.item_count or 1
    if offered < 2 or items < 2 or rng.random() >= SPLIT_SHARE:
        return [(lot.estimated_kg, lot.item_count)]
    count = min(offered, items, rng.choice((2, 2, 3)))
    cuts = sorted(rng.sample(range(1, items), count - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, items], strict=True)]
    per_item = lot.estimated_kg / items
    parts: list[tuple[Decimal, int | None]] = [
        ((per_item * n).quantize(GRAM, ROUND_DOWN), n) for n in sizes
    ]
    if rng.random() < REMAINDER_LEFT_SHARE:
        return parts[:-1]
    parts[-1] = (lot.estimated_kg - sum(kg for kg, _ in parts[:-1]), sizes[-1])
    return parts


def _claimants(
    rng: random.Random, offers: list[tuple[Offer, Actor]], count: int
) -> list[tuple[Offer, Actor]]:
    """The offers taken up, best ranked first, sometimes the second one beating it."""
    order = list(offers)
    if len(order) > 1 and rng.random() < 0.3:
        order[0], order[1] = order[1], order[0]
    return order[:count]


def _claim(
    story: Story,
    world: DemoWorld,
    ledger: Ledger,
    offer: Offer,
    actor: Actor,
    at: datetime,
    kilograms: Decimal,
    items: int | None,
) -> None:
    lot = story.lot
    week = week_start(at)
    taken = min(kilograms, lot.remaining_kg, ledger.headroom(actor, week))
    if taken <= 0 or at >= lot.deadline:
        return
    claim = Claim(
        lot=lot, offer=offer, actor_id=actor.id, kg=taken, week_start=week, status="received",
        item_count=items if taken == kilograms else None, pickup_at=None, claimed_at=at,
        claimed_by_id=world.recyclers.get(actor.id),
    )  # fmt: skip
    story.claims.append(claim)
    lot.remaining_kg -= taken
    offer.status, offer.closed_at = "claimed", at
    step = Step.CLAIM_PART if lot.remaining_kg > 0 else Step.CLAIM_REST
    payload = _claimed(story, claim)
    story.happen(
        at, "OfferClaimed", payload, step, by=claim.claimed_by_id, reason=f"claimed {taken} kg"
    )
    if lot.remaining_kg == 0:
        _withdraw_open_offers(story, at)


def expire(story: Story, rng: random.Random) -> None:
    """Close the lot at its deadline: whatever nobody claimed is missed."""
    lot = story.lot
    at = lot.deadline + timedelta(minutes=rng.randint(2, 40))
    missed = lot.remaining_kg
    lot.remaining_kg = Decimal("0.000")
    _withdraw_open_offers(story, at)
    story.happen(
        at,
        LotExpired.name,
        lambda: LotExpired(lot.id, str(missed)).payload(),
        Step.EXPIRE,
        reason="deadline passed",
    )


def _withdraw_open_offers(story: Story, at: datetime) -> None:
    for offer in story.offers:
        if offer.status == "open":
            offer.status, offer.closed_at = "withdrawn", at


def _book_pickups(story: Story, rng: random.Random, world: DemoWorld) -> None:
    """Book each claim's pickup on one of its actor's collection days."""
    if not story.claims:
        return
    lot = story.lot
    expired = any(h.step == Step.EXPIRE for h in story.happenings)
    last_claim = max(c.claimed_at for c in story.claims)
    earliest = local_date(lot.deadline if expired else last_claim) + timedelta(days=1)
    latest = earliest + timedelta(days=13) if expired else local_date(lot.deadline)
    for claim in story.claims:
        weekdays = frozenset(world.actors[claim.actor_id].collection_weekdays)
        day = _collection_day(weekdays, earliest, latest)
        claim.pickup_at = at_local(day, rng.randint(9, 15), rng.choice((0, 15, 30, 45)))
        payload = _booked(story, claim)
        story.happen(
            claim.claimed_at + timedelta(minutes=1), "PickupBooked", payload, by=claim.claimed_by_id
        )


def _collection_day(weekdays: frozenset[int], earliest: date, latest: date) -> date:
    """The first collection day in the window, else the first one after it."""
    return (
        next_collection_date(weekdays, earliest, latest)
        or next_collection_date(weekdays, earliest, earliest + timedelta(days=13))
        or earliest
    )


def _booked(story: Story, claim: Claim) -> Payload:
    pickup = claim.pickup_at
    return lambda: {
        "lot_id": story.lot.id,
        "claim_id": claim.id,
        "pickup_at": pickup.isoformat() if pickup else None,
    }


def _claimed(story: Story, claim: Claim) -> Payload:
    return lambda: {
        "lot_id": story.lot.id,
        "claim_id": claim.id,
        "offer_id": claim.offer.id,
        "actor_id": claim.actor_id,
        "kg": str(claim.kg),
    }
