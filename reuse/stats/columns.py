"""The columns of every export, in their stable order (documented in docs/open-data.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from reuse.stats.figures import Figures

Cell = Decimal | int | str | None


@dataclass(frozen=True)
class Column:
    """One figure column: its name, unit and how it is read from a Figures row."""

    name: str
    unit: str
    read: Callable[[Figures], Cell]


FIGURE_COLUMNS: tuple[Column, ...] = (
    Column("lots", "count", lambda f: f.lots),
    Column("declared_kg", "kg", lambda f: f.declared_kg),
    Column("diverted_kg", "kg", lambda f: f.diverted_kg),
    Column("reused_kg", "kg", lambda f: f.reused_kg),
    Column("recycled_kg", "kg", lambda f: f.recycled_kg),
    Column("energy_recovered_kg", "kg", lambda f: f.energy_recovered_kg),
    Column("disposed_kg", "kg", lambda f: f.disposed_kg),
    Column("missed_kg", "kg", lambda f: f.missed_kg),
    Column("withdrawn_kg", "kg", lambda f: f.withdrawn_kg),
    Column("diversion_rate", "fraction", lambda f: f.diversion_rate),
    Column("avoided_co2e_kg", "kg CO2e", lambda f: f.avoided_co2e_kg),
    Column("collections", "count", lambda f: f.collections),
    Column("claimed_kg_received", "kg", lambda f: f.claimed_kg_received),
    Column("measured_minus_estimated_kg", "kg", lambda f: f.gap_kg),
    Column("median_hours_to_first_claim", "hours", lambda f: f.median_hours_to_first_claim),
)
COMPARISON_COLUMNS = ("diverted_kg_previous_month", "diverted_kg_same_month_last_year")
HEADER: tuple[str, ...] = (
    "territory",
    "month",
    "breakdown",
    "key",
    "label",
    *(c.name for c in FIGURE_COLUMNS),
    *COMPARISON_COLUMNS,
    "factor_set",
)


def row_of(
    territory: str, breakdown: str, figures: Figures, earlier: tuple[Cell, Cell] = (None, None)
) -> list[Cell]:
    """One export row: who, when, which key, every figure, comparisons and the factor set."""
    cells: list[Cell] = [territory, figures.month, breakdown, figures.key, figures.label]
    return [*cells, *(c.read(figures) for c in FIGURE_COLUMNS), *earlier, figures.factor_set]
