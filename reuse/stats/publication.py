"""Publishing a territory's monthly figures under a factor-set version; what was published stays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from reuse.models import PublishedFigures, Territory
from reuse.stats.columns import COMPARISON_COLUMNS, HEADER, row_of
from reuse.stats.dimensions import DIMENSIONS
from reuse.stats.figures import Figures
from reuse.stats.months import Month
from reuse.stats.service import Report, build_report, factor_set_version, find_territory
from reuse.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Publication:
    """What one recomputation stored: months, version and when."""

    territory: str
    factor_set: str
    months: tuple[str, ...]
    computed_at: datetime


def publish_figures(
    uow: UnitOfWork,
    *,
    territory: str,
    first: Month,
    last: Month,
    factors: str | None = None,
    now: datetime | None = None,
) -> Publication:
    """Compute and store each month's figures (totals and every breakdown) as new rows.

    Rows published before, under this version or another, are kept as they are.
    """
    at = now or datetime.now(UTC)
    with uow:
        found = find_territory(uow.session, territory)
        version = factor_set_version(uow.session, factors)
        reports = [
            build_report(uow.session, found, first, last, by=by, version=version)
            for by in ("total", *DIMENSIONS)
        ]
        for figures in reports[0].totals:
            uow.session.add(_published(found, figures, reports, at))
        uow.commit()
        return Publication(found.slug, version, reports[0].months, at)


def _published(
    territory: Territory, total: Figures, reports: list[Report], at: datetime
) -> PublishedFigures:
    document: dict[str, Any] = {"total": _document(territory.slug, "total", total)}
    for report in reports[1:]:
        document[report.dimension] = [
            _document(territory.slug, report.dimension, f)
            for f in report.rows
            if f.month == total.month
        ]
    return PublishedFigures(
        territory_id=territory.id, month=total.month, factor_set_version=total.factor_set,
        diverted_kg=total.diverted_kg, reused_kg=total.reused_kg,
        missed_kg=total.missed_kg or Decimal(0), avoided_co2e_kg=total.avoided_co2e_kg,
        figures=document, computed_at=at,
    )  # fmt: skip


def _document(territory: str, breakdown: str, figures: Figures) -> dict[str, Any]:
    """A figures row as JSON: decimals as exact strings, named like the export columns
    (without the comparisons with earlier months, which are other months' figures)."""
    cells = zip(HEADER, row_of(territory, breakdown, figures), strict=True)
    return {
        n: str(c) if isinstance(c, Decimal) else c for n, c in cells if n not in COMPARISON_COLUMNS
    }


def published(uow: UnitOfWork, *, territory: str) -> list[tuple[str, str, datetime, Decimal]]:
    """Every stored publication of a territory: month, version, when, diverted kg."""
    with uow:
        found = find_territory(uow.session, territory)
        query = (
            select(PublishedFigures)
            .where(PublishedFigures.territory_id == found.id)
            .order_by(PublishedFigures.month, PublishedFigures.computed_at)
        )
        return [
            (p.month, p.factor_set_version, p.computed_at, p.diverted_kg)
            for p in uow.session.scalars(query)
        ]
