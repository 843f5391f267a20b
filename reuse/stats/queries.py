"""SQL aggregates behind the figures, grouped by Paris month (and a breakdown key).

Kilograms are summed as the stored integer thousandths (exact on every database) and
turned into Decimal only in Python; month buckets are UTC ranges of local midnights.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Select,
    Subquery,
    and_,
    case,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import type_coerce

from reuse.domain.quantities import GRAM
from reuse.domain.vocabulary import ClaimStatus, LotStatus, OutcomeGroup
from reuse.models import Claim, Co2Factor, Lot, Outcome, OutcomeLine, Reception, Site
from reuse.stats.dimensions import Dimension
from reuse.stats.months import Month

HOLDING = (ClaimStatus.ACTIVE.value, ClaimStatus.RECEIVED.value, ClaimStatus.NOT_COLLECTED.value)
PAST_EXPIRY = (LotStatus.CLAIMED.value, LotStatus.COLLECTED.value, LotStatus.CLOSED.value)
Key = tuple[str, str]


@dataclass(frozen=True)
class Scope:
    """Whose figures: a territory's, an actor's, or both; over which months; which factors."""

    months: tuple[Month, ...]
    factor_set: str
    territory_id: int | None = None
    actor_id: int | None = None


def kg_of(thousandths: Any) -> Decimal:
    """Kilograms from a summed count of thousandths (int, or Decimal on PostgreSQL)."""
    return (Decimal(int(thousandths or 0)) * GRAM).quantize(GRAM)


def raw(column: Any) -> ColumnElement[int]:
    """A kilogram column as its stored integer thousandths."""
    return type_coerce(column, BigInteger)


def as_stored(column: Any) -> ColumnElement[datetime]:
    """A timestamp column as the database gives it (naive UTC on SQLite, aware on PostgreSQL)."""
    return type_coerce(column, DateTime(timezone=True))


def _month(column: Any, months: Sequence[Month]) -> ColumnElement[str]:
    return case(*((column < m.end, literal(m.label)) for m in months))


def lot_rows(query: Select[Any], *, claims: bool = False) -> Select[Any]:
    """FROM lot JOIN site [JOIN claim]: for figures dated by the lot (declaration, deadline)."""
    query = query.select_from(Lot).join(Site, Site.id == Lot.site_id)
    return query.join(Claim, Claim.lot_id == Lot.id) if claims else query


def reception_rows(query: Select[Any]) -> Select[Any]:
    """FROM reception JOIN site JOIN claim JOIN lot: for figures dated by the reception.

    Receptions are reached through their own site and time (one index range per site of the
    territory), not through every lot the territory ever had.
    """
    query = query.select_from(Reception).join(Site, Site.id == Reception.site_id)
    return query.join(Claim, Claim.id == Reception.claim_id).join(Lot, Lot.id == Claim.lot_id)


def _scoped(
    columns: Sequence[Any],
    when: Any,
    scope: Scope,
    dim: Dimension,
    rows: Callable[[Select[Any]], Select[Any]],
) -> Select[Any]:
    """SELECT month, key, label, columns FROM `rows` within the scope."""
    month = _month(when, scope.months)
    query = dim.apply(rows(select(month, dim.key, dim.label, *columns)))
    query = query.where(when >= scope.months[0].start, when < scope.months[-1].end)
    if scope.territory_id is not None:
        query = query.where(Site.territory_id == scope.territory_id)
    if scope.actor_id is not None:
        query = query.where(Claim.actor_id == scope.actor_id)
    return query


def _grouped(
    columns: Sequence[Any],
    when: Any,
    scope: Scope,
    dim: Dimension,
    rows: Callable[[Select[Any]], Select[Any]],
) -> Select[Any]:
    """The scoped query grouped by month and key."""
    query = _scoped(columns, when, scope, dim, rows)
    return query.group_by(*query.selected_columns[:3])


def _rows(session: Session, query: Select[Any], labels: dict[str, str]) -> list[Any]:
    rows = list(session.connection().execute(query).all())
    labels.update((row[1], row[2]) for row in rows)
    return rows


def declarations(
    session: Session, scope: Scope, dim: Dimension, labels: dict[str, str]
) -> tuple[dict[Key, tuple[Decimal, int]], dict[Key, list[int]]]:
    """By month of declaration: estimated kg and number of lots, and the seconds from each
    lot's declaration to its first claim (one row per lot, for the median)."""
    first = select(func.min(as_stored(Claim.claimed_at))).where(Claim.lot_id == Lot.id)
    columns = (raw(Lot.estimated_kg), as_stored(Lot.declared_at), first.scalar_subquery())
    query = _scoped(columns, Lot.declared_at, scope, dim, lot_rows)
    sums: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    seconds: dict[Key, list[int]] = defaultdict(list)
    for month, key, _, thousandths, declared_at, first_claim in _rows(session, query, labels):
        found = sums[(month, key)]
        found[0], found[1] = found[0] + thousandths, found[1] + 1
        if first_claim is not None:
            seconds[(month, key)].append(int((first_claim - declared_at).total_seconds()))
    return {k: (kg_of(kg), count) for k, (kg, count) in sums.items()}, seconds


def missed(
    session: Session, scope: Scope, dim: Dimension, labels: dict[str, str]
) -> dict[Key, tuple[Decimal, Decimal]]:
    """By month of deadline: kg of lots expired unclaimed, and remainders withdrawn at expiry."""
    held = select(func.coalesce(func.sum(raw(Claim.kg)), 0)).where(
        Claim.lot_id == Lot.id, Claim.status.in_(HOLDING)
    )
    estimated = raw(Lot.estimated_kg)
    columns = (
        func.sum(case((Lot.status == LotStatus.EXPIRED.value, estimated), else_=0)),
        func.sum(case((Lot.status.in_(PAST_EXPIRY), estimated - held.scalar_subquery()), else_=0)),
    )
    query = _grouped(columns, Lot.deadline, scope, dim, lot_rows)
    query = query.where(Lot.status.in_((LotStatus.EXPIRED.value, *PAST_EXPIRY)))
    return {(r[0], r[1]): (kg_of(r[3]), kg_of(r[4])) for r in _rows(session, query, labels)}


def receptions(
    session: Session, scope: Scope, dim: Dimension, labels: dict[str, str]
) -> tuple[dict[Key, tuple[Decimal, Decimal, int]], dict[Key, dict[str, tuple[Decimal, int]]]]:
    """By month of reception: measured kg, claimed (estimated) kg and number of receptions; and
    the current outcome kg per outcome group, with reused kg x CO2e factor (millionths)."""
    each = _per_reception(scope, dim)
    month, key, label, *sums = each.c
    query = select(month, key, label, func.count(), *(func.sum(c) for c in sums))
    rows = _rows(session, query.group_by(month, key, label), labels)
    received: dict[Key, tuple[Decimal, Decimal, int]] = {}
    outcomes: dict[Key, dict[str, tuple[Decimal, int]]] = {}
    for at, found, _, count, measured, claimed, *kg, micro in rows:
        received[(at, found)] = (kg_of(measured), kg_of(claimed), int(count))
        outcomes[(at, found)] = {
            group.value: (kg_of(group_kg), int(micro or 0) if group is OutcomeGroup.REUSE else 0)
            for group, group_kg in zip(OutcomeGroup, kg, strict=True)
        }
    return received, outcomes


def _per_reception(scope: Scope, dim: Dimension) -> Subquery:
    """One row per reception of the scope: month, key, label, measured and claimed kg, its
    current outcome kg per group (in OutcomeGroup order) and reused kg x factor."""
    line = raw(OutcomeLine.kg)
    per_group = (func.sum(case((Outcome.group == g.value, line), else_=0)) for g in OutcomeGroup)
    reused = case((Outcome.group == OutcomeGroup.REUSE.value, line), else_=0)
    factor = func.coalesce(raw(Co2Factor.kgco2e_per_kg), 0)
    columns = (raw(Reception.measured_kg), raw(Claim.kg), *per_group, func.sum(reused * factor))
    query = _scoped(columns, Reception.received_at, scope, dim, reception_rows)
    query = query.outerjoin(OutcomeLine, OutcomeLine.reception_id == Reception.id)
    query = query.outerjoin(Outcome, Outcome.slug == OutcomeLine.outcome_slug)
    on_factor = and_(
        Co2Factor.factor_set_version == scope.factor_set,
        Co2Factor.subcategory_id == Lot.subcategory_id,
    )
    query = query.outerjoin(Co2Factor, on_factor)
    return query.group_by(Reception.id, Claim.kg, dim.key, dim.label).subquery()
