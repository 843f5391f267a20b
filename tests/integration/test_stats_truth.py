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
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import literal, select
from sqlalchemy.orm import Session, sessionmaker

from reuse.models.types import UTCDateTime
from reuse.refdata import catalog
from reuse.runtime import Runtime
from reuse.stats import Month, Report, actor_impact, month_range, territory_report
from reuse.stats.commands import stats
from reuse.stats.queries import whole_seconds
from reuse.unit_of_work import UnitOfWork

from stats_history import HISTORIES, INSTANTS, LotSpec, World, store, world_in

PARIS = ZoneInfo("Europe/Paris")
FIRST, LAST = Month(2025, 12), Month(2026, 11)
GROUPS = {row.slug: row.group.value for row in catalog.outcomes()}
DIMENSIONS = ("category", "subcategory", "site", "commune", "rep", "actor")
PAST_EXPIRY = ("claimed", "collected", "closed")
HOLDING = ("active", "received", "not_collected")
TRUTH = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
    with world_in(runtime) as (sessions, world), sessions() as session:
        store(session, history, world)
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


@settings(max_examples=200, deadline=None)
@given(start=INSTANTS, waited=st.timedeltas(timedelta(0), timedelta(days=120)))
def test_the_database_counts_the_wait_to_a_first_claim_in_whole_seconds_as_python_does(
    runtime: Runtime, start: datetime, waited: timedelta
) -> None:
    """The median is taken in the database, so each lot's wait must be the same integer there:
    truncated, with the microseconds of both instants counted."""
    instants = (literal(start, UTCDateTime), literal(start + waited, UTCDateTime))
    with runtime.engine.connect() as connection:
        counted = connection.scalar(select(whole_seconds(*instants)))
    assert counted == int(waited.total_seconds())


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=HISTORIES)
def test_an_actors_own_monthly_impact_equals_the_naive_recomputation_from_raw_rows(
    runtime: Runtime, history: list[LotSpec]
) -> None:
    with world_in(runtime) as (sessions, world), sessions() as session:
        store(session, history, world)
        session.commit()
        actor = world.actors[0]
        impact = actor_impact(UnitOfWork(sessions), actor=actor.slug, first=FIRST, last=LAST)
    months = sorted(m.label for m in month_range(FIRST, LAST))
    by_actor = naive(world, history, "actor", set(months))
    zero = _finish({}, [], False)
    expected = [(month, by_actor.get((month, actor.slug), zero)) for month in months]
    assert [
        (m.month, m.received_kg, m.reused_kg, m.avoided_co2e_kg, m.collections, m.factor_set)
        for m in impact
    ] == [
        (month, e["diverted_kg"], e["reused_kg"], e["avoided_co2e_kg"], e["collections"], "v1")
        for month, e in expected
    ]


# The documented export columns (docs/open-data.md) and the Figures attribute each one shows.
COLUMN_FIGURES = {
    "lots": "lots", "declared_kg": "declared_kg", "diverted_kg": "diverted_kg",
    "reused_kg": "reused_kg", "recycled_kg": "recycled_kg",
    "energy_recovered_kg": "energy_recovered_kg", "disposed_kg": "disposed_kg",
    "missed_kg": "missed_kg", "withdrawn_kg": "withdrawn_kg", "diversion_rate": "diversion_rate",
    "avoided_co2e_kg": "avoided_co2e_kg", "collections": "collections",
    "claimed_kg_received": "claimed_kg_received", "measured_minus_estimated_kg": "gap_kg",
    "median_hours_to_first_claim": "median_hours_to_first_claim", "month": "month",
    "key": "key", "label": "label", "factor_set": "factor_set",
}  # fmt: skip


def expected_rows(report: Report) -> list[dict[str, Any]]:
    """What every export row must say, read from the service's Figures by column name."""
    rows = []
    for breakdown, figures in [
        *(("total", f) for f in report.totals),
        *((report.dimension, f) for f in report.rows),
    ]:
        row = {column: getattr(figures, name) for column, name in COLUMN_FIGURES.items()}
        earlier = (None, None)
        if breakdown == "total":
            before, last_year = (
                report.previous_month(figures.month),
                report.same_month_last_year(figures.month),
            )
            earlier = (before and before.diverted_kg, last_year and last_year.diverted_kg)
        rows.append({**row, "territory": report.territory, "breakdown": breakdown,
                     "diverted_kg_previous_month": earlier[0],
                     "diverted_kg_same_month_last_year": earlier[1]})  # fmt: skip
    return rows


TEXT_COLUMNS = {"territory", "month", "breakdown", "key", "label", "factor_set"}


def read_csv(data: bytes, *, french: bool) -> list[dict[str, Any]]:
    """A CSV export read back like a spreadsheet would: by header, numbers as numbers."""
    text = data.decode("utf-8")
    assert text.startswith("\ufeff") == french
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";" if french else ",")
    return [
        {
            name: (cell or None) if name in TEXT_COLUMNS else _number(cell, french)
            for name, cell in row.items()
        }
        for row in reader
    ]


def _number(cell: str, french: bool) -> int | Decimal | None:
    if cell == "":
        return None
    if french:
        assert "." not in cell, cell
        cell = cell.replace(",", ".")
    return Decimal(cell) if "." in cell else int(cell)


def read_xlsx(path: Path) -> list[dict[str, Any]]:
    """The workbook read back: floats carry the three-decimal kilograms exactly."""
    sheet = load_workbook(path).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [
        {
            str(name): Decimal(repr(cell)) if isinstance(cell, float) else cell
            for name, cell in zip(header, row, strict=True)
        }
        for row in rows
    ]


def as_read(row: dict[str, Any]) -> dict[str, Any]:
    """A row of the service's values as an export reads back: an empty cell has no value."""
    return {name: None if value == "" else value for name, value in row.items()}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=HISTORIES, dim=st.sampled_from(DIMENSIONS))
def test_the_cli_and_every_export_read_back_give_the_numbers_of_the_service(
    runtime: Runtime, history: list[LotSpec], dim: str
) -> None:
    with world_in(runtime) as (sessions, world), sessions() as session:
        store(session, history, world)
        session.commit()
        report = report_of(sessions, world, dim)
        cli_runtime = Runtime(runtime.settings, runtime.engine, sessions)
        args = ["--territory", world.territory, "--from", FIRST.label, "--to", LAST.label]
        args += ["--by", dim]
        runner = CliRunner()

        def run(*more: str) -> Any:
            return runner.invoke(stats, [*args, *more], obj=cli_runtime, catch_exceptions=False)

        standard, french, table = run("--format", "csv"), run("--format", "csv-fr"), run()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "figures.xlsx"
            run("--format", "xlsx", "--output", str(path))
            workbook = read_xlsx(path)
    expected = [as_read(row) for row in expected_rows(report)]
    assert read_csv(standard.stdout_bytes, french=False) == expected
    assert read_csv(french.stdout_bytes, french=True) == expected
    assert workbook == expected
    for figures in report.totals:
        tonnes = (figures.diverted_kg / 1000).quantize(Decimal("0.01"), ROUND_HALF_UP)
        line = next(li for li in table.output.splitlines() if li.startswith(figures.month))
        assert f" {str(abs(tonnes)).replace('.', ',')} " in line
