"""The monthly dashboard of one territory over ≥ 1,000,000 lots, against a naive full aggregate."""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from datetime import timedelta
from math import ceil
from statistics import median
from typing import Any

import click
from sqlalchemy import Connection, func, select

from reuse.benchmarks.stats_history import (
    OUTCOMES,
    START,
    actors,
    bulk_insert,
    lot_stories,
    next_id,
    places,
    subcategory_ids,
)  # fmt: skip
from reuse.models import Claim, Lot, Site, Territory
from reuse.runtime import Runtime
from reuse.stats import rollups
from reuse.stats.months import Month, month_range
from reuse.stats.service import territory_report

CHUNK = 50_000
LOT_COLUMNS = ("id", "site_id", "subcategory_id", "description", "estimated_kg", "weight_is_estimate",
               "condition", "photos", "available_from", "deadline", "status", "remaining_kg",
               "declared_at", "updated_at", "wave")  # fmt: skip
OFFER_COLUMNS = ("id", "lot_id", "actor_id", "wave", "rank", "distance_km", "score", "reasons",
                 "status", "sent_at")  # fmt: skip
CLAIM_COLUMNS = ("id", "lot_id", "offer_id", "actor_id", "kg", "week_start", "status", "claimed_at")
RECEPTION_COLUMNS = ("id", "claim_id", "site_id", "measured_kg", "received_at", "note")
LINE_COLUMNS = ("reception_id", "outcome_slug", "kg", "reported_at", "note")


def generate(runtime: Runtime, territories: int, years: int, per_year: int, seed: int) -> int:
    """Add the bench history unless it is there; return the number of lots in the database."""
    with runtime.engine.begin() as connection:
        if connection.scalar(select(Territory.id).where(Territory.slug == "bench-stats-000")):
            return int(connection.scalar(select(func.count(Lot.id))) or 0)
        rng = random.Random(seed)
        site_ids, actor_ids = places(connection, territories), actors(connection)
        stories = lot_stories(rng, site_ids, subcategory_ids(connection), per_year, years)
        _write(connection, rng, stories, actor_ids)
        if connection.dialect.name == "postgresql":
            for table in ("lot", "offer", "claim", "reception"):
                sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 - fixed names
                connection.exec_driver_sql(sql)
        lots = int(connection.scalar(select(func.count(Lot.id))) or 0)
        rollups.rebuild(connection)
    if runtime.engine.dialect.name == "postgresql":
        # What autovacuum has done to years of real history: statistics and visibility maps.
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE"
            )
    return lots


def _write(connection: Connection, rng: random.Random, stories: Any, actor_ids: list[int]) -> None:
    lot_id = next_id(connection, Lot.__table__)
    claim_id = next_id(connection, Claim.__table__)
    while True:
        tables: dict[str, list[tuple[Any, ...]]] = {
            "lot": [],
            "offer": [],
            "claim": [],
            "reception": [],
            "outcome_line": [],
        }
        for site, sub, grams, at, claimed in (
            s for _, s in zip(range(CHUNK), stories, strict=False)
        ):
            _story(tables, rng, lot_id, claim_id, (site, sub, grams, at, claimed), actor_ids)
            lot_id, claim_id = lot_id + 1, claim_id + (1 if claimed else 0)
        if not tables["lot"]:
            return
        for name, columns in (("lot", LOT_COLUMNS), ("offer", OFFER_COLUMNS), ("claim", CLAIM_COLUMNS),
                              ("reception", RECEPTION_COLUMNS), ("outcome_line", LINE_COLUMNS)):  # fmt: skip
            bulk_insert(connection, name, columns, tables[name])


def _story(tables: dict[str, list[tuple[Any, ...]]], rng: random.Random, lot: int, claim: int,
           drawn: tuple[int, int, int, Any, bool], actor_ids: list[int]) -> None:  # fmt: skip
    """One lot: claimed whole and received (then reported), or expired unclaimed."""
    site, sub, grams, at, claimed = drawn
    status = "closed" if claimed else "expired"
    tables["lot"].append((lot, site, sub, "bench", grams, False, "as_is", "[]", at,
                          at + timedelta(days=7), status, 0, at, at, 1))  # fmt: skip
    if not claimed:
        return
    when = at + timedelta(minutes=rng.randint(20, 72 * 60))
    actor = rng.choice(actor_ids)
    tables["offer"].append((claim, lot, actor, 1, 1, 5000, 1000, "[]", "claimed", at))
    tables["claim"].append(
        (
            claim,
            lot,
            claim,
            actor,
            grams,
            (when - timedelta(days=when.weekday())).date(),
            "received",
            when,
        )
    )
    received = when + timedelta(hours=rng.randint(2, 120))
    measured = max(1, grams * rng.randint(85, 110) // 100)
    tables["reception"].append((claim, claim, site, measured, received, ""))
    reused = measured * rng.randint(80, 97) // 100
    reported = received + timedelta(days=2)
    tables["outcome_line"].append((claim, rng.choice(OUTCOMES[:3]), reused, reported, ""))
    if measured > reused:
        tables["outcome_line"].append((claim, OUTCOMES[3], measured - reused, reported, ""))


def _timed(work: Callable[[], object], runs: int) -> list[float]:
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, ceil(fraction * len(ordered)) - 1)]


def bench_stats(
    runtime: Runtime, territories: int, years: int, runs: int, seed: int
) -> dict[str, Any]:
    """Generate (once) and time the 12-month dashboard of one territory against a full aggregate."""
    started = time.perf_counter()
    lots = generate(runtime, territories, years, 10_000 // 5, seed)
    generate_s = time.perf_counter() - started
    last = Month.of(START + timedelta(days=365 * years)).shifted(-1)
    first = last.shifted(-11)
    slug = f"bench-stats-{territories // 2:03d}"

    def dashboard() -> object:
        return territory_report(
            runtime.uow(), territory=slug, first=first, last=last, by="category"
        )

    def naive() -> object:
        """Every lot and reception of every territory aggregated from the raw rows."""
        months = month_range(Month.of(START), last)
        with runtime.engine.connect() as connection:
            return [connection.execute(rows(months)).all()
                    for rows in (rollups.lot_month_rows, rollups.reception_month_rows)]  # fmt: skip

    dashboard()
    fast = _timed(dashboard, runs)
    slow = _timed(naive, max(3, runs // 10))
    with runtime.engine.connect() as connection:
        sites = connection.scalar(select(func.count(Site.id)))
    return {"lots": lots, "territories": territories, "sites": sites, "years": years,
            "months": 12, "runs": runs, "database": runtime.engine.dialect.name,
            "p50_ms": round(median(fast), 2), "p95_ms": round(_percentile(fast, 0.95), 2),
            "naive_p50_ms": round(median(slow), 2), "naive_p95_ms": round(_percentile(slow, 0.95), 2),
            "generate_s": round(generate_s, 1), "load_average_1m": round(os.getloadavg()[0], 2)}  # fmt: skip


@click.command("stats")
@click.option("--territories", default=100, show_default=True, help="Territories generated.")
@click.option(
    "--years", default=5, show_default=True, help="Years of history (2,000 lots/year each)."
)
@click.option("--runs", default=50, show_default=True, help="Timed dashboard runs.")
@click.option("--seed", default=7, show_default=True, help="Random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def stats(
    runtime: Runtime, territories: int, years: int, runs: int, seed: int, as_json: bool
) -> None:
    """Time one territory's 12-month dashboard (totals, comparisons, by category) on the configured database."""
    figures = bench_stats(runtime, territories, years, runs, seed)
    if as_json:
        click.echo(json.dumps(figures))
        return
    width = max(map(len, figures))
    for name, value in figures.items():
        click.echo(f"{name:<{width}}  {value}")
