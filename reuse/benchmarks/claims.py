"""Many recyclers claiming the same lots at once, then a recount from the raw rows.

Processes (spawned, one engine each) race through `claim_offer` on lots and weekly
capacities they all share; afterwards every lot and actor-week is recounted from its claims.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from multiprocessing.synchronize import Barrier
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from reuse.config import Settings
from reuse.domain.claims import ClaimRequest
from reuse.domain.errors import Conflict, DomainError
from reuse.domain.quantities import kg
from reuse.domain.vocabulary import ClaimStatus, LotStatus, OfferStatus, Role
from reuse.models import (
    Actor,
    Claim,
    Commune,
    Lot,
    Membership,
    Offer,
    Site,
    StatusLogEntry,
    Subcategory,
    Territory,
    User,
)  # fmt: skip
from reuse.runtime import Runtime
from reuse.services.claims import claim_offer

SUBCATEGORY = "mobilier.assise"
COUNTED = (ClaimStatus.ACTIVE, ClaimStatus.RECEIVED, ClaimStatus.NOT_COLLECTED)
REPLAY_SHARE = 0.05


@dataclass(frozen=True)
class Arena:
    """The bench's own territory: lots (kg, items), their offers, and who claims for each actor."""

    site_id: int
    lots: dict[int, tuple[Decimal, int]]
    offers: dict[int, list[tuple[int, int]]]
    recyclers: dict[int, int]


@dataclass
class Tally:
    attempts: int = 0
    successes: int = 0
    conflicts: int = 0
    refused: int = 0
    replays: int = 0
    replay_mismatches: int = 0
    surfaced_errors: int = 0
    samples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Fold another claimer's counts into this one."""
        for name, value in asdict(other).items():
            if name == "samples":
                self.samples.extend(value[: max(0, 5 - len(self.samples))])
            else:
                setattr(self, name, getattr(self, name) + value)


def seed_arena(runtime: Runtime, lots: int, actors: int, rng: random.Random) -> Arena:
    """Create a fresh bench territory: one site, `actors` actors sharing `lots` offered lots."""
    tag = uuid.uuid4().hex[:10]
    now = datetime.now(UTC)
    with runtime.uow() as uow:
        sub = uow.session.scalar(select(Subcategory).where(Subcategory.slug == SUBCATEGORY))
        if sub is None:
            raise click.ClickException(
                "no reference data: run `reuse db upgrade` and `reuse refdata load`"
            )
        site = _site(uow.session, tag)
        takers = [_actor(uow.session, tag, n, lots, actors) for n in range(actors)]
        recyclers = {a.id: _recycler(uow.session, tag, a).id for a in takers}
        made = [_lot(uow.session, site, sub.id, rng, now) for _ in range(lots)]
        offers = {lot.id: [_offer(uow.session, lot, a, now) for a in takers] for lot in made}
        uow.commit()
        lot_facts = {lot.id: (lot.estimated_kg, lot.item_count or 1) for lot in made}
        pairs = {lot: [(o.id, o.actor_id) for o in found] for lot, found in offers.items()}
        return Arena(site.id, lot_facts, pairs, recyclers)


def _site(session: Session, tag: str) -> Site:
    territory = Territory(slug=f"bench-{tag}", name=f"Banc {tag}", siren=tag[:9])
    commune = Commune(insee=tag[:5], name="Banc", territory=territory, lat=48.58, lon=-3.83)
    site = Site(slug=f"bench-{tag}", territory=territory, commune=commune, name="Déchèterie banc",
                lat=48.58, lon=-3.83, opening_weekdays=[1, 2, 3, 4, 5, 6, 7])  # fmt: skip
    session.add(site)
    session.flush()
    return site


def _actor(session: Session, tag: str, n: int, lots: int, actors: int) -> Actor:
    """An actor whose capacity runs out during the race (about 60 % of the kg on offer, shared)."""
    capacity = kg(Decimal(lots) * 60 * Decimal("0.6") / actors)
    actor = Actor(slug=f"bench-{tag}-{n}", name=f"Recyclerie banc {n}", kind="recyclerie",
                  commune_insee="00000", commune_name="Banc", lat=48.58, lon=-3.83,
                  radius_km=Decimal(50), weekly_capacity_kg=capacity,
                  collection_weekdays=[1, 2, 3, 4, 5, 6, 7])  # fmt: skip
    session.add(actor)
    session.flush()
    return actor


def _recycler(session: Session, tag: str, actor: Actor) -> User:
    user = User(email=f"bench-{tag}-{actor.id}@bench.invalid", display_name="banc",
                password_hash="!",  # noqa: S106 - no hash matches "!": bench users never sign in
                created_at=datetime.now(UTC),
                memberships=[Membership(role=Role.RECYCLER.value, actor_id=actor.id)])  # fmt: skip
    session.add(user)
    session.flush()
    return user


def _lot(
    session: Session, site: Site, subcategory_id: int, rng: random.Random, now: datetime
) -> Lot:
    items = rng.randint(1, 40)
    weight = kg(Decimal(rng.randint(5_000, 115_000)) / 1000)
    lot = Lot(site_id=site.id, subcategory_id=subcategory_id, item_count=items,
              estimated_kg=weight, remaining_kg=weight, condition="as_is", photos=[],
              available_from=now, deadline=now + timedelta(days=7),
              status=LotStatus.OFFERED.value, declared_at=now, updated_at=now, wave=1)  # fmt: skip
    session.add(lot)
    session.flush()
    for before, after, why in ((None, "declared", "declared"), ("declared", "offered", "bench")):
        session.add(StatusLogEntry(lot_id=lot.id, at=now, from_status=before, to_status=after,
                                   reason=why))  # fmt: skip
    return lot


def _offer(session: Session, lot: Lot, actor: Actor, now: datetime) -> Offer:
    offer = Offer(lot_id=lot.id, actor_id=actor.id, wave=1, rank=1, distance_km=Decimal(0),
                  score=Decimal(0), reasons=["bench"], status=OfferStatus.OPEN.value, sent_at=now)  # fmt: skip
    session.add(offer)
    session.flush()
    return offer


def random_request(rng: random.Random, lot_kg: Decimal, items: int) -> ClaimRequest:
    """All that is left, a few items, or a random weight up to a third of the lot."""
    draw = rng.random()
    if draw < 0.2:
        return ClaimRequest()
    if draw < 0.45:
        return ClaimRequest(items=rng.randint(1, max(1, items // 3)))
    top = max(1, int(lot_kg * 1000) // 3)
    return ClaimRequest(kg=kg(Decimal(rng.randint(1, top)) / 1000))


def race(
    settings: Settings, arena: Arena, index: int, attempts: int, seed: int, start: Barrier,
    results: Any,
) -> None:  # fmt: skip
    """One claimer: wait for the others, then make `attempts` random claims."""
    runtime = Runtime.start(settings)
    rng = random.Random(seed * 1000 + index)
    tally = Tally()
    lot_ids = sorted(arena.lots)
    start.wait()
    for n in range(attempts):
        lot_id = rng.choice(lot_ids)
        offer_id, actor_id = rng.choice(arena.offers[lot_id])
        request = random_request(rng, *arena.lots[lot_id])
        key = f"bench-{seed}-{index}-{n}"
        _attempt(runtime, tally, rng, arena.recyclers[actor_id], offer_id, request, key)
    runtime.engine.dispose()
    results.put(tally)


def _attempt(
    runtime: Runtime, tally: Tally, rng: random.Random, by: int, offer_id: int,
    request: ClaimRequest, key: str,
) -> None:  # fmt: skip
    tally.attempts += 1
    try:
        first = claim_offer(runtime.uow(), by=by, offer_id=offer_id, request=request,
                            idempotency_key=key)  # fmt: skip
    except Conflict:
        tally.conflicts += 1
        return
    except DomainError:
        tally.refused += 1
        return
    except Exception as error:  # every other error would reach a user: that is what we count
        tally.surfaced_errors += 1
        tally.samples.append(f"{type(error).__name__}: {error}"[:300])
        return
    tally.successes += 1
    if rng.random() < REPLAY_SHARE:
        _replay(runtime, tally, by, offer_id, key, first.claim_id)


def _replay(
    runtime: Runtime, tally: Tally, by: int, offer_id: int, key: str, claim_id: int
) -> None:
    """Send the same Idempotency-Key again (as a retrying client would): the first claim comes back."""
    tally.replays += 1
    try:
        again = claim_offer(runtime.uow(), by=by, offer_id=offer_id, request=ClaimRequest(),
                            idempotency_key=key)  # fmt: skip
    except Exception as error:
        tally.surfaced_errors += 1
        tally.samples.append(f"replay {type(error).__name__}: {error}"[:300])
        return
    tally.replay_mismatches += again.claim_id != claim_id


def recount(runtime: Runtime, arena: Arena) -> dict[str, int]:
    """Recount every bench lot and actor-week from its claims."""
    with runtime.uow() as uow:
        lots = uow.session.execute(
            select(Lot.id, Lot.estimated_kg, Lot.remaining_kg).where(Lot.site_id == arena.site_id)
        ).all()
        claims = uow.session.execute(
            select(Claim.lot_id, Claim.actor_id, Claim.week_start, Claim.kg)
            .where(Claim.lot_id.in_(arena.lots), Claim.status.in_(COUNTED))
        ).all()  # fmt: skip
        capacities = select(Actor.id, Actor.weekly_capacity_kg).where(Actor.id.in_(arena.recyclers))
        capacity = {actor_id: most for actor_id, most in uow.session.execute(capacities)}
    per_lot: dict[int, Decimal] = defaultdict(Decimal)
    per_week: dict[tuple[int, Any], Decimal] = defaultdict(Decimal)
    for lot_id, actor_id, week, amount in claims:
        per_lot[lot_id] += amount
        per_week[(actor_id, week)] += amount
    return {
        "claims_in_database": len(claims),
        "over_allocated_lots": sum(per_lot[i] > total for i, total, _ in lots),
        "lot_ledger_mismatches": sum(per_lot[i] + left != total for i, total, left in lots),
        "over_capacity_actor_weeks": sum(v > capacity[a] for (a, _), v in per_week.items()),
    }


def bench_claims(
    settings: Settings, claimers: int, lots: int, attempts: int, actors: int, seed: int
) -> dict[str, Any]:
    """Seed a fresh arena, race `claimers` processes through it, and recount from raw rows."""
    runtime = Runtime.start(settings)
    arena = seed_arena(runtime, lots, actors, random.Random(seed))
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(claimers + 1), context.Queue()
    share = -(-attempts // claimers)
    workers = [
        context.Process(target=race, args=(settings, arena, n, share, seed, start, results))
        for n in range(claimers)
    ]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    tally = Tally()
    for _ in workers:
        tally.add(results.get())
    seconds = time.perf_counter() - began
    for worker in workers:
        worker.join()
    figures = _figures(tally, recount(runtime, arena), claimers, lots, actors, seconds)
    figures["database"] = runtime.engine.dialect.name
    runtime.engine.dispose()
    return figures


def _figures(
    tally: Tally, counted: dict[str, int], claimers: int, lots: int, actors: int, seconds: float
) -> dict[str, Any]:
    figures: dict[str, Any] = {k: v for k, v in asdict(tally).items() if k != "samples"}
    figures |= counted
    figures |= {"claimers": claimers, "lots": lots, "actors": actors,
                "seconds": round(seconds, 1), "attempts_per_s": round(tally.attempts / seconds, 1)}  # fmt: skip
    figures["error_samples"] = tally.samples
    return figures


@click.command("claims")
@click.option("--claimers", default=32, show_default=True, help="Racing processes.")
@click.option("--lots", default=500, show_default=True, help="Lots on offer.")
@click.option("--attempts", default=10_000, show_default=True, help="Claim attempts in all.")
@click.option("--actors", default=8, show_default=True, help="Actors sharing capacities.")
@click.option("--seed", default=7, show_default=True, help="Random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def claims(
    runtime: Runtime, claimers: int, lots: int, attempts: int, actors: int, seed: int,
    as_json: bool,
) -> None:  # fmt: skip
    """Race claimers on the configured database; recount over-allocations and surfaced errors."""
    figures = bench_claims(runtime.settings, claimers, lots, attempts, actors, seed)
    if as_json:
        click.echo(json.dumps(figures))
        return
    samples = figures.pop("error_samples")
    width = max(map(len, figures))
    for name, value in figures.items():
        click.echo(f"{name:<{width}}  {value}")
    for sample in samples:
        click.echo(f"error: {sample}", err=True)
