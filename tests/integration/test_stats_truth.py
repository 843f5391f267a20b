"""Every published figure equals a plain recomputation from the raw rows, through every door.

Histories are random raw rows (partial claims, releases, receptions on month boundaries and
DST nights, corrected outcomes, expiries); the naive recomputation below is written apart from
reuse/stats, with its own month bucketing.
"""

from __future__ import annotations

import csv
import io
import statistics
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from reuse.models import Co2Factor
from reuse.refdata import catalog
from reuse.runtime import Runtime
from reuse.stats import Month, territory_report
from reuse.stats.commands import stats
from reuse.stats.exports import report_rows
from reuse.unit_of_work import UnitOfWork

from builders import a_site, a_subcategory, a_territory, an_actor
from stats_history import HISTORIES, SUBCATEGORIES, LotSpec

PARIS = ZoneInfo("Europe/Paris")
FIRST, LAST = Month(2025, 12), Month(2026, 11)
GROUPS = {row.slug: row.group.value for row in catalog.outcomes()}
DIMENSIONS = ("category", "subcategory", "site", "commune", "rep", "actor")
PAST_EXPIRY = ("claimed", "collected", "closed")
HOLDING = ("active", "received", "not_collected")
TRUTH = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class World:
    territory: str
    sites: list[Any]
    subs: list[Any]
    actors: list[Any]
    factors: dict[int, Decimal]


@contextmanager
def world_in(runtime: Runtime) -> Iterator[tuple[sessionmaker[Session], World]]:
    """A territory with two sites (two communes) and two actors, rolled back afterwards."""
    with runtime.engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        with sessions() as session:
            territory = a_territory(session)
            sites = [a_site(session, territory, name=f"Déchèterie {n}") for n in range(2)]
            subs = [a_subcategory(session, slug) for slug in SUBCATEGORIES]
            actors = [an_actor(session, name=f"Acteur {n}") for n in range(2)]
            factors = {f.subcategory_id: f.kgco2e_per_kg for f in session.scalars(
                select(Co2Factor).where(Co2Factor.factor_set_version == "v1"))}  # fmt: skip
            for sub in subs:
                session.refresh(sub, ["category"])
            world = World(territory.slug, sites, subs, actors, factors)
            session.commit()
        yield sessions, world
        outer.rollback()


def month_of(at: datetime) -> str:
    local = at.astimezone(PARIS)
    return f"{local.year:04d}-{local.month:02d}"


def lot_key(world: World, spec: LotSpec, dim: str) -> tuple[str, str]:
    site, sub = world.sites[spec.site], world.subs[spec.sub]
    return {
        "total": ("", "Total"),
        "category": (sub.category.slug, sub.category.label_fr),
        "subcategory": (sub.slug, sub.label_fr),
        "site": (site.slug, site.name),
        "commune": (site.commune_insee, "Morlaix"),
        "rep": (sub.rep_filiere, sub.rep_filiere),
    }[dim]


def naive(
    world: World, history: list[LotSpec], dim: str, months: set[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The figures recomputed the plain way: loop over the raw rows, bucket, add."""
    table: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    seconds: dict[tuple[str, str], list[int]] = defaultdict(list)
    for spec in history:
        per_lot = dim != "actor"
        key = lot_key(world, spec, dim) if per_lot else None
        if per_lot and key and month_of(spec.declared_at) in months:
            cell = table[(month_of(spec.declared_at), key[0])]
            cell["declared"] += spec.grams
            cell["lots"] += 1
            if spec.claims:
                first = min(c.at for c in spec.claims)
                seconds[(month_of(spec.declared_at), key[0])].append(
                    int((first - spec.declared_at).total_seconds())
                )
        if (
            per_lot
            and key
            and month_of(spec.deadline) in months
            and spec.status in ("expired", *PAST_EXPIRY)
        ):
            cell = table[(month_of(spec.deadline), key[0])]
            if spec.status == "expired":
                cell["missed"] += spec.grams
            else:
                cell["withdrawn"] += spec.grams - sum(
                    c.grams for c in spec.claims if c.status in HOLDING
                )
        for claim in spec.claims:
            reception = claim.reception
            if reception is None or month_of(reception.at) not in months:
                continue
            actor = world.actors[claim.actor]
            rkey = (actor.slug, actor.name) if dim == "actor" else lot_key(world, spec, dim)
            cell = table[(month_of(reception.at), rkey[0])]
            cell["diverted"] += reception.grams
            cell["claimed"] += claim.grams
            cell["collections"] += 1
            for slug, grams in reception.lines.items():
                cell[GROUPS[slug]] += grams
                if GROUPS[slug] == "reuse":
                    cell["co2"] += (
                        Decimal(grams)
                        / 1000
                        * world.factors.get(world.subs[spec.sub].id, Decimal(0))
                    )
    return {
        key: _finish(dict(cell), seconds.get(key, []), dim != "actor")
        for key, cell in table.items()
    }


def _finish(cell: dict[str, Any], seconds: list[int], per_lot: bool) -> dict[str, Any]:
    def kg(name: str) -> Decimal:
        return (Decimal(cell.get(name, 0)) / 1000).quantize(Decimal("0.001"))

    diverted, missed = kg("diverted"), kg("missed")
    hours = None
    if seconds:
        hours = (Decimal(statistics.median(seconds)) / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP)
    rate = (
        None
        if diverted + missed == 0
        else (diverted / (diverted + missed)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    )
    return {
        "declared_kg": kg("declared") if per_lot else None, "lots": cell.get("lots", 0) if per_lot else None,
        "missed_kg": missed if per_lot else None, "withdrawn_kg": kg("withdrawn") if per_lot else None,
        "median_hours_to_first_claim": hours if per_lot else None,
        "diverted_kg": diverted, "claimed_kg_received": kg("claimed"), "collections": cell.get("collections", 0),
        "reused_kg": kg("reuse"), "recycled_kg": kg("recycling"), "energy_recovered_kg": kg("energy_recovery"),
        "disposed_kg": kg("disposal"),
        "avoided_co2e_kg": Decimal(cell.get("co2", 0)).quantize(Decimal("0.001"), ROUND_HALF_UP),
        "diversion_rate": rate if per_lot else None,
    }  # fmt: skip


def served(figures: Any) -> dict[str, Any]:
    names = ("declared_kg", "lots", "missed_kg", "withdrawn_kg", "median_hours_to_first_claim",
             "diverted_kg", "claimed_kg_received", "collections", "reused_kg", "recycled_kg",
             "energy_recovered_kg", "disposed_kg", "avoided_co2e_kg", "diversion_rate")  # fmt: skip
    return {name: getattr(figures, name) for name in names}


def report_of(sessions: sessionmaker[Session], world: World, by: str | None) -> Any:
    return territory_report(
        UnitOfWork(sessions), territory=world.territory, first=FIRST, last=LAST, by=by
    )


@TRUTH
@given(history=HISTORIES, dim=st.sampled_from(DIMENSIONS))
def test_every_figure_equals_the_naive_recomputation_from_raw_rows(
    runtime: Runtime, history: list[LotSpec], dim: str
) -> None:
    from stats_history import store

    with world_in(runtime) as (sessions, world), sessions() as session:
        store(
            session,
            history,
            [s.id for s in world.sites],
            [s.id for s in world.subs],
            [a.id for a in world.actors],
        )
        session.commit()
        report = report_of(sessions, world, dim)
    months = set(report.months)
    totals = naive(world, history, "total", months)
    zero = _finish({}, [], True)
    for figures in report.totals:
        assert served(figures) == totals.get((figures.month, ""), zero), figures.month
    expected = naive(world, history, dim, months)
    assert {(f.month, f.key): served(f) for f in report.rows} == expected
    assert {f.factor_set for f in (*report.totals, *report.rows)} == {report.factor_set}


def rows_from_csv(data: bytes, *, french: bool) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff") == french
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";" if french else ","))


def as_text(cell: Any) -> str:
    return "" if cell is None else str(cell)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=HISTORIES, dim=st.sampled_from(DIMENSIONS))
def test_the_cli_and_every_export_show_the_numbers_of_the_service(
    runtime: Runtime, history: list[LotSpec], dim: str
) -> None:
    from stats_history import store

    with world_in(runtime) as (sessions, world), sessions() as session:
        store(
            session,
            history,
            [s.id for s in world.sites],
            [s.id for s in world.subs],
            [a.id for a in world.actors],
        )
        session.commit()
        report = report_of(sessions, world, dim)
        expected = [[as_text(c) for c in row] for row in report_rows(report)]
        cli_runtime = Runtime(runtime.settings, runtime.engine, sessions)
        args = [
            "--territory",
            world.territory,
            "--from",
            FIRST.label,
            "--to",
            LAST.label,
            "--by",
            dim,
        ]
        runner = CliRunner()
        standard = runner.invoke(
            stats, [*args, "--format", "csv"], obj=cli_runtime, catch_exceptions=False
        )
        french = runner.invoke(
            stats, [*args, "--format", "csv-fr"], obj=cli_runtime, catch_exceptions=False
        )
        table = runner.invoke(stats, args, obj=cli_runtime, catch_exceptions=False)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "figures.xlsx"
            runner.invoke(
                stats,
                [*args, "--format", "xlsx", "--output", str(path)],
                obj=cli_runtime,
                catch_exceptions=False,
            )
            sheet = load_workbook(path).active
            assert sheet is not None
            workbook_rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows_from_csv(standard.stdout_bytes, french=False)[1:] == expected
    assert rows_from_csv(french.stdout_bytes, french=True)[1:] == [
        [c.replace(".", ",") if _is_number(c) else c for c in row] for row in expected
    ]
    assert [
        [_from_xlsx(c, e) for c, e in zip(row, exp, strict=True)]
        for row, exp in zip(workbook_rows, expected, strict=True)
    ] == expected
    assert len(workbook_rows) == len(expected)
    for line in expected[: len(report.totals)]:
        assert line[1] in table.output


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return "." in text


def _from_xlsx(cell: Any, expected: str) -> str:
    """A workbook number read back as the Decimal text the service gave (floats carry it exactly)."""
    if isinstance(cell, float | int) and not isinstance(cell, bool) and _is_number(expected):
        return str(Decimal(repr(cell)).quantize(Decimal(expected)))
    return as_text(cell)
