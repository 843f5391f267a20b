"""The demo territory's year, seen through the statistics, looks like Morlaix Communauté:
a few to about 25 tonnes diverted a month, mostly furniture by weight, most of it reused.

The demo is seeded once for the module inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from reuse.demo import seed_demo
from reuse.models import Territory
from reuse.runtime import Runtime
from reuse.stats import Month, Report, territory_report
from reuse.stats.commands import stats
from reuse.unit_of_work import UnitOfWork

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
FIRST, LAST = Month(2025, 3), Month(2026, 2)


@pytest.fixture(scope="module")
def demo(runtime: Runtime) -> Iterator[tuple[sessionmaker[Session], str]]:
    """The seeded demo (12 months before March 2026) and its territory's slug."""
    with runtime.engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        seed_demo(UnitOfWork(sessions), now=NOW)
        with sessions() as session:
            slug = session.scalars(select(Territory.slug).where(Territory.siren == "242900835"))
            found = slug.one()
        yield sessions, found
        outer.rollback()


@pytest.fixture(scope="module")
def by_category(demo: tuple[sessionmaker[Session], str]) -> Report:
    sessions, slug = demo
    return territory_report(
        UnitOfWork(sessions), territory=slug, first=FIRST, last=LAST, by="category"
    )


def test_every_month_of_the_demo_year_diverts_a_few_to_25_tonnes(by_category: Report) -> None:
    diverted = [f.diverted_kg for f in by_category.totals]
    assert len(diverted) == 12
    assert all(Decimal(3000) <= kg <= Decimal(25000) for kg in diverted), diverted


def test_furniture_is_the_largest_share_of_the_demo_years_diverted_weight(
    by_category: Report,
) -> None:
    per_category: dict[str, Decimal] = defaultdict(Decimal)
    for figures in by_category.rows:
        per_category[figures.key] += figures.diverted_kg
    year = sum(f.diverted_kg for f in by_category.totals)
    largest = max(per_category, key=per_category.__getitem__)
    assert sum(per_category.values()) == year
    assert largest == "mobilier"
    assert Decimal("0.35") <= per_category["mobilier"] / year <= Decimal("0.75")


def test_the_demo_year_reuses_most_of_what_it_diverts_and_misses_little(
    by_category: Report,
) -> None:
    for month in by_category.totals:
        assert month.diversion_rate is not None
        assert Decimal("0.6") <= month.diversion_rate <= Decimal("0.95"), month
        assert Decimal("0.75") <= month.reused_kg / month.diverted_kg <= Decimal("0.95"), month
        assert 0 < month.avoided_co2e_kg <= 3 * month.reused_kg, month
        assert month.median_hours_to_first_claim is not None
        assert 0 < month.median_hours_to_first_claim <= 72, month


def test_the_terminal_table_of_the_demo_shows_each_month_in_tonnes(
    runtime: Runtime, demo: tuple[sessionmaker[Session], str], by_category: Report
) -> None:
    sessions, slug = demo
    shown = CliRunner().invoke(
        stats,
        ["--territory", slug, "--from", FIRST.label, "--to", LAST.label],
        obj=Runtime(runtime.settings, runtime.engine, sessions),
        catch_exceptions=False,
    )
    lines = shown.stdout.splitlines()
    assert lines[:2] == ["Morlaix Communauté: 2025-03 → 2026-02", "facteurs CO2e v1"]
    assert lines[3].split()[:4] == ["Mois", "Lots", "Déclaré", "t"]
    for figures, line in zip(by_category.totals, lines[5:], strict=True):
        tonnes = str((figures.diverted_kg / 1000).quantize(Decimal("0.01"))).replace(".", ",")
        assert line.split()[:2] == [figures.month, str(figures.lots)]
        assert f" {tonnes} " in line
