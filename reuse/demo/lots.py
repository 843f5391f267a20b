"""A generated lot from declaration to its fate: matched or not, cancelled, missed or claimed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from reuse.demo.calendar import week_start
from reuse.demo.claims import claim_lot, expire
from reuse.demo.drafts import Declaration
from reuse.demo.mix import CANCEL_REASONS
from reuse.demo.story import Payload, Story
from reuse.demo.world import DemoWorld, Ledger
from reuse.domain.events import LotCancelled, LotDeclared, LotUnmatched
from reuse.domain.lifecycle import Step
from reuse.domain.matching import LotToMatch, RankedOffer, eligible_among, rank
from reuse.domain.quantities import kg
from reuse.domain.vocabulary import Condition
from reuse.models import Actor, Lot, Offer

CANCELLED_SHARE = 0.03
MISSED_SHARE = 0.12


def tell(declaration: Declaration, world: DemoWorld, ledger: Ledger, weeks_earlier: int) -> Story:
    """Generate the whole story of one declared lot (read-only on the ledger)."""
    rng = random.Random(declaration.seed)
    story = _declare(declaration, world, weeks_earlier)
    matched_at = story.lot.declared_at + timedelta(minutes=rng.randint(3, 15))
    offers = _offer(story, world, ledger, matched_at)
    roll = rng.random()
    if not offers:
        reason = "no eligible actor for this subcategory and condition"
        story.happen(
            matched_at,
            LotUnmatched.name,
            _unmatched(story, reason),
            Step.FIND_NO_MATCH,
            reason=reason,
        )
        expire(story, rng)
    elif roll < CANCELLED_SHARE:
        _cancel(story, rng, world, matched_at)
    elif roll < CANCELLED_SHARE + MISSED_SHARE:
        expire(story, rng)
    else:
        claim_lot(story, rng, world, ledger, offers)
    return story


def _declare(declaration: Declaration, world: DemoWorld, weeks_earlier: int) -> Story:
    sub = world.subcategories[declaration.kind.subcategory]
    at = declaration.declared_at(weeks_earlier)
    lot = Lot(
        site_id=declaration.site.id,
        subcategory_id=sub.id,
        declared_by_id=world.declarer(declaration.site),
        description=f"{declaration.kind.descriptions[declaration.seed % len(declaration.kind.descriptions)]}",
        item_count=declaration.item_count,
        estimated_kg=declaration.estimated_kg,
        weight_is_estimate=declaration.weight_is_estimate,
        weight_flag=None,
        condition=declaration.condition.value,
        photos=[],
        available_from=at,
        deadline=declaration.deadline(weeks_earlier),
        status="declared",
        remaining_kg=declaration.estimated_kg,
        declared_at=at,
        updated_at=at,
    )
    story = Story(lot)
    payload = lambda: LotDeclared(lot.id, lot.site_id, sub.slug, str(lot.estimated_kg)).payload()  # noqa: E731
    story.happen(at, LotDeclared.name, payload, by=lot.declared_by_id, reason="declared")
    return story


def _offer(
    story: Story, world: DemoWorld, ledger: Ledger, at: datetime
) -> list[tuple[Offer, Actor]]:
    """Send wave 1 to the best eligible actors, as the matcher would have."""
    lot, site = story.lot, next(s for s in world.sites if s.id == story.lot.site_id)
    actors = {a.slug: a for a in world.reachable(site)}
    profiles = [ledger.profile(world, a, week_start(at), at) for a in actors.values()]
    wanted = _to_match(story, world, site.lat, site.lon)
    ranked = rank(
        wanted,
        eligible_among(wanted, profiles, at, world.policy),
        world.policy,
        limit=world.policy.wave_size,
    )
    offers = [(_offer_row(lot, actors[r.actor_id], r, at), actors[r.actor_id]) for r in ranked]
    story.offers = [offer for offer, _ in offers]
    if offers:
        reason = f"offered to {len(offers)} actor(s), wave 1"
        story.happen(at, "OffersSent", lambda: _offers_sent(story), Step.MATCH, reason=reason)
    return offers


def _to_match(story: Story, world: DemoWorld, lat: float, lon: float) -> LotToMatch:
    lot = story.lot
    sub = next(s for s in world.subcategories.values() if s.id == lot.subcategory_id)
    return LotToMatch(
        lot_id=str(id(lot)),
        subcategory=sub.slug,
        subcategory_label=sub.label_fr.lower(),
        condition=Condition(lot.condition),
        lat=lat,
        lon=lon,
        remaining_kg=lot.remaining_kg,
        min_part_kg=min(lot.remaining_kg, sub.unit_kg),
        available_from=lot.available_from,
        deadline=lot.deadline,
    )


def _offer_row(lot: Lot, actor: Actor, ranked: RankedOffer, at: datetime) -> Offer:
    return Offer(
        lot=lot,
        actor_id=actor.id,
        wave=1,
        rank=ranked.rank,
        distance_km=kg(f"{ranked.distance_km:.6f}"),
        score=kg(f"{ranked.score:.6f}"),
        reasons=list(ranked.reasons),
        status="open",
        sent_at=at,
        closed_at=None,
    )


def _offers_sent(story: Story) -> dict[str, object]:
    offers = story.offers
    return {
        "lot_id": story.lot.id,
        "wave": 1,
        "offer_ids": [o.id for o in offers],
        "actor_ids": [o.actor_id for o in offers],
    }


def _unmatched(story: Story, reason: str) -> Payload:
    return lambda: LotUnmatched(story.lot.id, reason).payload()


def _cancel(story: Story, rng: random.Random, world: DemoWorld, matched_at: datetime) -> None:
    at = matched_at + timedelta(minutes=rng.randint(60, 40 * 60))
    reason = rng.choice(CANCEL_REASONS)
    for offer in story.offers:
        offer.status, offer.closed_at = "withdrawn", at
    story.happen(
        at,
        LotCancelled.name,
        lambda: LotCancelled(story.lot.id, reason).payload(),
        Step.CANCEL,
        by=story.lot.declared_by_id,
        reason=reason,
    )
