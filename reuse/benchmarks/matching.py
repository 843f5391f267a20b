"""How fast lots find their actors at national scale, with and without the grid prefilter."""

import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from math import ceil
from statistics import median

import click

from reuse.domain.matching import (
    ActorIndex,
    ActorProfile,
    LotToMatch,
    MatchPolicy,
    RankedOffer,
    candidates_for,
    index_actors,
    naive_candidates_for,
    rank,
)
from reuse.domain.quantities import kg
from reuse.domain.vocabulary import Condition

LAT_RANGE = (42.3, 51.1)
LON_RANGE = (-4.8, 8.2)
SUBCATEGORIES = tuple(f"cat.sub{n}" for n in range(55))
CITIES = 80
NAIVE_SAMPLE = 200
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CONDITION_CHOICES = (
    frozenset({Condition.AS_IS}),
    frozenset({Condition.AS_IS, Condition.TO_REPAIR}),
    frozenset(Condition),
    frozenset({Condition.FOR_PARTS}),
)


def _place(rng: random.Random, cities: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Draw a point in metropolitan France, two times in three near a city."""
    if rng.random() < 2 / 3:
        lat, lon = rng.choice(cities)
        lat, lon = rng.gauss(lat, 0.25), rng.gauss(lon, 0.35)
    else:
        lat, lon = rng.uniform(*LAT_RANGE), rng.uniform(*LON_RANGE)
    return min(max(lat, LAT_RANGE[0]), LAT_RANGE[1]), min(max(lon, LON_RANGE[0]), LON_RANGE[1])


def synthetic_actor(
    rng: random.Random, n: int, cities: Sequence[tuple[float, float]]
) -> ActorProfile:
    """Draw one plausible reuse actor."""
    lat, lon = _place(rng, cities)
    capacity = rng.randint(100, 5000)
    return ActorProfile(
        actor_id=f"actor-{n:06d}",
        name=f"Ressourcerie {n}",
        lat=lat,
        lon=lon,
        radius_km=rng.uniform(10.0, 60.0),
        active=rng.random() < 0.95,
        accepted={
            slug: rng.choice(CONDITION_CHOICES)
            for slug in rng.sample(SUBCATEGORIES, rng.randint(1, 6))
        },
        weekly_capacity_kg=kg(capacity),
        claimed_this_week_kg=kg(rng.randint(0, capacity * 11 // 10)),
        collection_weekdays=frozenset(rng.sample(range(1, 7), rng.randint(1, 4))),
        recent_offers=rng.randint(0, 30),
        no_shows=rng.choice((0, 0, 0, 1, 2)),
        completed_pickups=rng.randint(0, 60),
    )


def synthetic_lot(rng: random.Random, n: int, cities: Sequence[tuple[float, float]]) -> LotToMatch:
    """Draw one plausible lot declared at a recycling centre."""
    lat, lon = _place(rng, cities)
    subcategory = rng.choice(SUBCATEGORIES)
    return LotToMatch(
        lot_id=f"lot-{n:06d}",
        subcategory=subcategory,
        subcategory_label=f"Sous-catégorie {subcategory}",
        condition=rng.choice(tuple(Condition)),
        lat=lat,
        lon=lon,
        remaining_kg=kg(rng.randint(5, 2000)),
        min_part_kg=kg(rng.randint(1, 50)),
        available_from=NOW - timedelta(hours=rng.randint(0, 48)),
        deadline=NOW + timedelta(days=rng.randint(1, 14)),
    )


def _percentile(samples: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of the samples."""
    ordered = sorted(samples)
    return ordered[max(0, ceil(fraction * len(ordered)) - 1)]


def _timed(
    match: Callable[[LotToMatch], list[RankedOffer]], lots: Sequence[LotToMatch]
) -> tuple[list[float], list[list[RankedOffer]]]:
    """Run `match` on each lot and return the milliseconds and the offers."""
    durations, results = [], []
    for lot in lots:
        started = time.perf_counter()
        offers = match(lot)
        durations.append((time.perf_counter() - started) * 1000)
        results.append(offers)
    return durations, results


def bench_matching(actors: int, lots: int, seed: int = 7) -> dict[str, float | int]:
    """Time per-lot matching with the grid prefilter and with a full scan, same lots."""
    rng = random.Random(seed)
    cities = [(rng.uniform(*LAT_RANGE), rng.uniform(*LON_RANGE)) for _ in range(CITIES)]
    population = [synthetic_actor(rng, n, cities) for n in range(actors)]
    sample = [synthetic_lot(rng, n, cities) for n in range(lots)]
    policy = MatchPolicy()
    started = time.perf_counter()
    index: ActorIndex = index_actors(population, policy)
    build_ms = (time.perf_counter() - started) * 1000
    by_id = {actor.actor_id: actor for actor in population}

    def indexed(lot: LotToMatch) -> list[RankedOffer]:
        return rank(lot, candidates_for(lot, index, by_id, NOW, policy), policy)

    def scanned(lot: LotToMatch) -> list[RankedOffer]:
        return rank(lot, naive_candidates_for(lot, population, NOW, policy), policy)

    fast, fast_offers = _timed(indexed, sample)
    naive_lots = sample[:NAIVE_SAMPLE]
    slow, slow_offers = _timed(scanned, naive_lots)
    assert fast_offers[: len(naive_lots)] == slow_offers, "prefilter and full scan disagree"
    p95, naive_p95 = _percentile(fast, 0.95), _percentile(slow, 0.95)
    return {
        "actors": actors,
        "lots": lots,
        "p50_ms": round(median(fast), 4),
        "p95_ms": round(p95, 4),
        "naive_p50_ms": round(median(slow), 4),
        "naive_p95_ms": round(naive_p95, 4),
        "speedup": round(naive_p95 / p95, 1),
        "index_build_ms": round(build_ms, 1),
        "naive_lots": len(naive_lots),
        "mean_offers": round(sum(map(len, fast_offers)) / max(1, lots), 1),
    }


@click.command("matching")
@click.option("--actors", default=100_000, show_default=True, help="Synthetic actors.")
@click.option("--lots", default=2_000, show_default=True, help="Lots to match.")
@click.option("--seed", default=7, show_default=True, help="Random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def matching(actors: int, lots: int, seed: int, as_json: bool) -> None:
    """Benchmark matching with the grid prefilter against a full scan."""
    figures = bench_matching(actors, lots, seed)
    if as_json:
        click.echo(json.dumps(figures))
        return
    width = max(map(len, figures))
    for name, value in figures.items():
        click.echo(f"{name:<{width}}  {value}")
