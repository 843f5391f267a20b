"""Factor sets are added from a file and never altered; a recomputation under a new version keeps
what was published under the old one, both labelled; the open-data schema is the documented one."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from reuse.models import Co2Factor, FactorSet, PublishedFigures, Reception, Subcategory, Territory
from reuse.refdata import catalog
from reuse.runtime import Runtime
from reuse.stats.columns import HEADER
from reuse.stats.commands import factors_group, stats

from stats_history import ClaimSpec, LotSpec, ReceptionSpec, World, store, world_in

RECEIVED = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
OPEN_DATA_DOC = Path(__file__).parents[2] / "docs" / "open-data.md"


def a_received_lot(grams: int, outcomes: dict[str, int]) -> LotSpec:
    """A lot of the world's first subcategory (a sofa), claimed whole and weighed in January."""
    declared = RECEIVED - timedelta(days=3)
    reception = ReceptionSpec(grams, RECEIVED, outcomes, {})
    claim = ClaimSpec(0, grams, declared + timedelta(hours=5), "received", reception)
    return LotSpec(0, 0, grams, declared, declared + timedelta(days=10), "closed", 0, [claim])


def factor_file(folder: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> Path:
    path = folder / "factors.csv"
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def v1_rows(scale: Decimal = Decimal(1)) -> list[dict[str, str]]:
    """The shipped v1 factors as file rows, each factor multiplied by `scale`."""
    return [
        {"subcategory_slug": f.subcategory_slug, "kgco2e_per_kg": str(f.kgco2e_per_kg * scale),
         "quality": f.quality, "basis": f.basis, "source": f.source}
        for f in catalog.factors("v1")
    ]  # fmt: skip


def a_version() -> str:
    return f"v{uuid.uuid4().hex[:8]}"


def invoke(command: Any, runtime: Runtime, sessions: sessionmaker[Session], *args: str) -> Result:
    cli = Runtime(runtime.settings, runtime.engine, sessions)
    return CliRunner().invoke(command, list(args), obj=cli, catch_exceptions=False)


def counts(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions() as session:
        sets = session.scalar(select(func.count()).select_from(FactorSet))
        factors = session.scalar(select(func.count()).select_from(Co2Factor))
    return sets or 0, factors or 0


def published_rows(sessions: sessionmaker[Session], world: World) -> list[PublishedFigures]:
    with sessions() as session:
        return list(
            session.scalars(
                select(PublishedFigures)
                .join(Territory, Territory.id == PublishedFigures.territory_id)
                .where(Territory.slug == world.territory)
                .order_by(PublishedFigures.computed_at)
            )
        )


def test_factors_add_loads_every_factor_of_the_file_as_a_new_version(
    runtime: Runtime, tmp_path: Path
) -> None:
    version = a_version()
    path = factor_file(tmp_path, v1_rows(Decimal(2)), catalog.FACTOR_COLUMNS)
    with world_in(runtime) as (sessions, _):
        added = invoke(factors_group, runtime, sessions, "add", "--version", version,
                       "--file", str(path))  # fmt: skip
        with sessions() as session:
            query = (
                select(Subcategory.slug, Co2Factor.kgco2e_per_kg)
                .join(Co2Factor, Co2Factor.subcategory_id == Subcategory.id)
                .where(Co2Factor.factor_set_version == version)
            )
            loaded = {slug: factor for slug, factor in session.execute(query)}
            label = session.get(FactorSet, version)
    assert added.exit_code == 0, added.output
    assert added.stdout == f"factor set {version} added: {len(loaded)} factors\n"
    assert loaded == {f.subcategory_slug: f.kgco2e_per_kg * 2 for f in catalog.factors("v1")}
    assert label is not None
    assert label.label == f"Facteurs CO2e {version}"


GOOD = v1_rows()[0]
BAD_FILES = {
    "missing columns": (
        [{"subcategory_slug": GOOD["subcategory_slug"], "kgco2e_per_kg": "1.000"}],
        ("subcategory_slug", "kgco2e_per_kg"),
        "missing columns: quality, basis, source",
    ),
    "not a number": ([{**GOOD, "kgco2e_per_kg": "beaucoup"}], None, "'beaucoup' is not a number"),
    "negative": ([{**GOOD, "kgco2e_per_kg": "-0.500"}], None, "'-0.500' is not a number >= 0"),
    "four decimals": ([{**GOOD, "kgco2e_per_kg": "0.1234"}], None, "at most 3 decimals"),
    "no factor": ([], None, "the file holds no factor"),
    "twice": ([GOOD, GOOD], None, f"more than one factor for: {GOOD['subcategory_slug']}"),
    "unknown": ([{**GOOD, "subcategory_slug": "mobilier.licorne"}], None, "mobilier.licorne"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_factors_add_refuses_a_bad_file_with_a_clear_message_and_writes_nothing(
    runtime: Runtime, tmp_path: Path, case: str
) -> None:
    rows, columns, message = BAD_FILES[case]
    path = factor_file(tmp_path, rows, columns or catalog.FACTOR_COLUMNS)
    with world_in(runtime) as (sessions, _):
        before = counts(sessions)
        refused = invoke(factors_group, runtime, sessions, "add", "--version", a_version(),
                         "--file", str(path))  # fmt: skip
        after = counts(sessions)
    assert refused.exit_code == 1
    assert message in refused.stderr
    assert "Traceback" not in refused.output
    assert after == before


def test_factors_add_never_alters_a_loaded_version(runtime: Runtime, tmp_path: Path) -> None:
    path = factor_file(tmp_path, v1_rows(Decimal(3)), catalog.FACTOR_COLUMNS)
    with world_in(runtime) as (sessions, _):
        before = counts(sessions)
        refused = invoke(factors_group, runtime, sessions, "add", "--version", "v1",
                         "--file", str(path))  # fmt: skip
        after = counts(sessions)
    assert refused.exit_code == 1
    assert "factor set v1 already exists; it is never altered" in refused.stderr
    assert after == before


def test_recompute_under_a_new_factor_set_keeps_what_was_published_under_the_old_one(
    runtime: Runtime, tmp_path: Path
) -> None:
    version = a_version()
    path = factor_file(tmp_path, v1_rows(Decimal(2)), catalog.FACTOR_COLUMNS)
    january = ("--from", "2026-01", "--to", "2026-01")
    with world_in(runtime) as (sessions, world):
        with sessions() as session:
            store(session, [a_received_lot(100_000, {"reemploi": 90_000, "recyclage": 10_000})],
                  world)  # fmt: skip
            session.commit()
        territory = ("--territory", world.territory)
        first = invoke(stats, runtime, sessions, "recompute", *territory, *january)
        under_v1 = [(p.factor_set_version, p.avoided_co2e_kg, p.figures) for p in
                    published_rows(sessions, world)]  # fmt: skip
        invoke(factors_group, runtime, sessions, "add", "--version", version, "--file", str(path))
        second = invoke(stats, runtime, sessions, "recompute", *territory, *january)
        both = published_rows(sessions, world)
        listed = invoke(stats, runtime, sessions, "published", *territory)
    sofa = world.factors[world.subs[0].id]
    assert "1 months published with factors v1 at" in first.stdout
    assert f"1 months published with factors {version} at" in second.stdout
    assert under_v1 == [("v1", (90 * sofa).quantize(Decimal("0.001")), under_v1[0][2])]
    assert [(p.factor_set_version, p.avoided_co2e_kg, p.figures) for p in both] == [
        *under_v1,
        (version, (180 * sofa).quantize(Decimal("0.001")), both[1].figures),
    ]
    assert [p.figures["total"]["factor_set"] for p in both] == ["v1", version]
    assert {p.diverted_kg for p in both} == {Decimal("100.000")}
    assert [line.split()[:2] for line in listed.stdout.splitlines()] == [
        ["2026-01", "v1"],
        ["2026-01", version],
    ]


def test_a_reception_carries_the_site_of_its_lot_however_it_is_written(runtime: Runtime) -> None:
    with world_in(runtime) as (sessions, world), sessions() as session:
        store(session, [a_received_lot(5_000, {})], world)
        by_orm = session.scalars(select(Reception)).one()
        claim_id = by_orm.claim_id
        session.delete(by_orm)
        session.flush()
        session.execute(insert(Reception).values(claim_id=claim_id, measured_kg=Decimal("5.000"),
                                                 received_at=RECEIVED, note=""))  # fmt: skip
        by_core = session.scalars(select(Reception)).one()
        assert by_core.site_id == world.sites[0].id


def test_the_open_data_page_documents_every_export_column_in_order() -> None:
    table = re.findall(r"^\| ([a-z_0-9]+) \|", OPEN_DATA_DOC.read_text(encoding="utf-8"), re.M)
    assert table == ["column", *HEADER]
