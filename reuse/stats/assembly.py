"""Putting the aggregates of one scope and breakdown together into Figures rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from operator import add
from typing import Any, TypeVar, cast

from sqlalchemy.orm import Session

from reuse.domain.vocabulary import OutcomeGroup
from reuse.stats import queries
from reuse.stats.dimensions import TOTAL, Dimension
from reuse.stats.figures import ZERO, Figures, co2e_from_micro, hours_of
from reuse.stats.queries import Key, Scope

NO_OUTCOME = (ZERO, 0)
K = TypeVar("K")
Summed = TypeVar("Summed", bound=tuple[Any, ...])


@dataclass
class Aggregates:
    """The raw aggregates of one scope and breakdown, keyed by (month, key)."""

    labels: dict[str, str] = field(default_factory=dict)
    declared: dict[Key, tuple[Decimal, int]] = field(default_factory=dict)
    missed: dict[Key, tuple[Decimal, Decimal]] = field(default_factory=dict)
    median_seconds: dict[Key, Decimal] = field(default_factory=dict)
    received: dict[Key, tuple[Decimal, Decimal, int]] = field(default_factory=dict)
    outcomes: dict[Key, dict[str, tuple[Decimal, int]]] = field(default_factory=dict)

    def keys(self) -> set[Key]:
        """Every (month, key) that has some figure."""
        return {*self.declared, *self.missed, *self.median_seconds, *self.received, *self.outcomes}


def aggregate(session: Session, scope: Scope, dim: Dimension, *, lots: bool = True) -> Aggregates:
    """Run the query set of one scope and breakdown (lot-level queries only where they apply)."""
    found = Aggregates()
    if lots and dim.per_lot:
        found.declared, found.missed = queries.lot_months(session, scope, dim, found.labels)
        found.median_seconds = queries.first_claim_medians(session, scope, dim, found.labels)
    found.received, found.outcomes = queries.receptions(session, scope, dim, found.labels)
    return found


def figures_at(found: Aggregates, key: Key, factor_set: str, *, lots: bool) -> Figures:
    """The Figures of one (month, key), zero where nothing happened."""
    declared_kg, lot_count = found.declared.get(key, (ZERO, 0))
    missed_kg, withdrawn_kg = found.missed.get(key, (ZERO, ZERO))
    diverted, claimed, collections = found.received.get(key, (ZERO, ZERO, 0))
    groups = found.outcomes.get(key, {})
    reused, micro = groups.get(OutcomeGroup.REUSE.value, NO_OUTCOME)
    return Figures(
        month=key[0], key=key[1], label=found.labels.get(key[1], "Total"), factor_set=factor_set,
        declared_kg=declared_kg if lots else None, lots=lot_count if lots else None,
        missed_kg=missed_kg if lots else None, withdrawn_kg=withdrawn_kg if lots else None,
        median_hours_to_first_claim=hours_of(found.median_seconds.get(key)) if lots else None,
        diverted_kg=diverted, claimed_kg_received=claimed, collections=collections,
        reused_kg=reused, recycled_kg=groups.get(OutcomeGroup.RECYCLING.value, NO_OUTCOME)[0],
        energy_recovered_kg=groups.get(OutcomeGroup.ENERGY_RECOVERY.value, NO_OUTCOME)[0],
        disposed_kg=groups.get(OutcomeGroup.DISPOSAL.value, NO_OUTCOME)[0],
        avoided_co2e_kg=co2e_from_micro(micro),
    )  # fmt: skip


def rolled_up(found: Aggregates) -> Aggregates:
    """The monthly sums of a breakdown whose keys split the rows (each row has one key); not
    the medians, which no sum gives."""
    total = Aggregates()
    for (month, _), declared in found.declared.items():
        _add(total.declared, (month, ""), declared)
    for (month, _), missed in found.missed.items():
        _add(total.missed, (month, ""), missed)
    for (month, _), received in found.received.items():
        _add(total.received, (month, ""), received)
    for (month, _), groups in found.outcomes.items():
        summed = total.outcomes.setdefault((month, ""), {})
        for group, outcome in groups.items():
            _add(summed, group, outcome)
    return total


def _add(into: dict[K, Summed], key: K, value: Summed) -> None:
    """Add `value` to the tuple at `key`, element by element."""
    before = into.get(key)
    into[key] = value if before is None else cast(Summed, tuple(map(add, before, value)))


def totals(session: Session, scope: Scope, *, lots: bool = True) -> dict[str, Figures]:
    """One Figures row per month of the scope, for the whole scope."""
    return _totals_of(aggregate(session, scope, TOTAL, lots=lots), scope, lots=lots)


def _totals_of(found: Aggregates, scope: Scope, *, lots: bool = True) -> dict[str, Figures]:
    return {
        m.label: figures_at(found, (m.label, ""), scope.factor_set, lots=lots) for m in scope.months
    }


def breakdown(session: Session, scope: Scope, dim: Dimension) -> list[Figures]:
    """Figures per (month, key) of a breakdown, for the keys that have some figure."""
    return _rows_of(aggregate(session, scope, dim), scope, dim)


def _rows_of(found: Aggregates, scope: Scope, dim: Dimension) -> list[Figures]:
    months = {m.label for m in scope.months}
    return [
        figures_at(found, key, scope.factor_set, lots=dim.per_lot)
        for key in sorted(found.keys())
        if key[0] in months
    ]


def totals_and_breakdown(
    session: Session, wide: Scope, scope: Scope, dim: Dimension
) -> tuple[dict[str, Figures], list[Figures]]:
    """The totals of every month of `wide` and the breakdown over `scope` (months within it).

    A breakdown of lots (by category, site...) gives every lot and reception exactly one key,
    so its query set run over `wide` also gives the totals, summed over the keys.
    """
    if not dim.per_lot:
        return totals(session, wide), breakdown(session, scope, dim)
    found = aggregate(session, wide, dim)
    total = rolled_up(found)
    total.median_seconds = queries.first_claim_medians(session, wide, TOTAL, total.labels)
    return _totals_of(total, wide), _rows_of(found, scope, dim)
