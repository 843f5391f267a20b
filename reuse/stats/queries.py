"""The queries behind the figures, grouped by Paris month and a breakdown key.

Sums are read from the monthly rollups (reuse/stats/rollups.py); the median hours to first
claim, which no sum gives, from the lots and their claims, the median taken in the database. Kilograms are summed as the stored
integer thousandths (exact on every database) and turned into Decimal only in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, String, and_, bindparam, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from reuse.domain.quantities import GRAM
from reuse.domain.vocabulary import OutcomeGroup
from reuse.models import Claim, Co2Factor, Lot, LotMonth, ReceptionMonth, Site
from reuse.models.types import UTCDateTime
from reuse.stats.dimensions import Dimension, dimension
from reuse.stats.months import Month
from reuse.stats.rollups import paris_month, raw

Key = tuple[str, str]
Shape = tuple[bool, bool]


@dataclass(frozen=True)
class Scope:
    """Whose figures: a territory's, an actor's, or both; over which consecutive months; which
    factors."""

    months: tuple[Month, ...]
    factor_set: str
    territory_id: int | None = None
    actor_id: int | None = None

    @property
    def shape(self) -> Shape:
        """What its queries select on: a territory, an actor."""
        return self.territory_id is not None, self.actor_id is not None

    def params(self) -> dict[str, Any]:
        """The values of its queries' bound parameters."""
        first, last = self.months[0], self.months[-1]
        return {"first": first.label, "last": last.label, "start": first.start, "end": last.end,
                "territory": self.territory_id, "actor": self.actor_id,
                "factors": self.factor_set}  # fmt: skip


# Each query is built once per breakdown and scope shape, the scope's values bound as these
# parameters: its statement and SQL are cached once, however many reports run it.
FIRST, LAST = bindparam("first", type_=String()), bindparam("last", type_=String())
START, END = bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
TERRITORY, ACTOR = bindparam("territory", type_=Integer()), bindparam("actor", type_=Integer())
FACTORS = bindparam("factors", type_=String())


def kg_of(thousandths: Any) -> Decimal:
    """Kilograms from a summed count of thousandths (int, or Decimal on PostgreSQL)."""
    return (Decimal(int(thousandths or 0)) * GRAM).quantize(GRAM)


def _monthly(source: Any, columns: Sequence[Any], shape: Shape, dim: Dimension) -> Select[Any]:
    """SELECT month, key, label, sum(columns) FROM a rollup within the scope, grouped."""
    query = select(source.month, dim.key, dim.label, *(func.sum(c) for c in columns))
    query = dim.apply(query.select_from(source).join(Site, Site.id == source.site_id), source)
    query = query.where(source.month.between(FIRST, LAST))
    of_territory, of_actor = shape
    if of_territory:
        query = query.where(Site.territory_id == TERRITORY)
    if of_actor:
        query = query.where(source.actor_id == ACTOR)
    return query.group_by(source.month, dim.key, dim.label)


def _rows(session: Session, query: Select[Any], scope: Scope, labels: dict[str, str]) -> list[Any]:
    rows = list(session.connection().execute(query, scope.params()).all())
    labels.update((row[1], row[2]) for row in rows)
    return rows


@cache
def _lot_months(breakdown: str, shape: Shape) -> Select[Any]:
    columns = (raw(LotMonth.declared_kg), LotMonth.lots, raw(LotMonth.missed_kg),
               raw(LotMonth.withdrawn_kg))  # fmt: skip
    return _monthly(LotMonth, columns, shape, dimension(breakdown))


def lot_months(
    session: Session, scope: Scope, dim: Dimension, labels: dict[str, str]
) -> tuple[dict[Key, tuple[Decimal, int]], dict[Key, tuple[Decimal, Decimal]]]:
    """By month of declaration, estimated kg and number of lots; by month of deadline, kg of
    lots expired unclaimed and remainders withdrawn at expiry."""
    declared: dict[Key, tuple[Decimal, int]] = {}
    missed: dict[Key, tuple[Decimal, Decimal]] = {}
    for month, key, _, kg, lots, missed_kg, withdrawn_kg in _rows(
        session, _lot_months(dim.name, scope.shape), scope, labels
    ):
        declared[(month, key)] = (kg_of(kg), int(lots))
        missed[(month, key)] = (kg_of(missed_kg), kg_of(withdrawn_kg))
    return declared, missed


class whole_seconds(FunctionElement[int]):  # noqa: N801 - an SQL function, named as such
    """Whole seconds from `start` to `end` (truncated, as Python's `int(delta.total_seconds())`),
    exact on both databases: SQLite keeps UTC instants as `YYYY-MM-DD HH:MM:SS.ffffff` text."""

    type = Integer()
    inherit_cache = True


@compiles(whole_seconds, "postgresql")
def _whole_seconds_postgresql(element: whole_seconds, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(trunc(EXTRACT(EPOCH FROM ({end}) - ({start}))) AS BIGINT)"


@compiles(whole_seconds, "sqlite")
def _whole_seconds_sqlite(element: whole_seconds, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    # strftime() rounds to the millisecond: give it the whole seconds, add the microseconds.
    micros = (
        f"((strftime('%s', substr({end}, 1, 19)) - strftime('%s', substr({start}, 1, 19)))"
        f" * 1000000 + substr({end}, 21, 6) - substr({start}, 21, 6))"
    )
    return f"({micros} / 1000000)"


def first_claim_medians(
    session: Session, scope: Scope, dim: Dimension, labels: dict[str, str]
) -> dict[Key, Decimal]:
    """By month of declaration: the median of the claimed lots' whole seconds from declaration
    to first claim, computed in the database (one row per month and key, not per lot)."""
    return {
        (month, key): Decimal(int(summed)) / int(count)
        for month, key, _, summed, count in _rows(
            session, _first_claim_medians(dim.name, scope.shape), scope, labels
        )
    }


@cache
def _first_claim_medians(breakdown: str, shape: Shape) -> Select[Any]:
    dim = dimension(breakdown)
    month = paris_month(Lot.declared_at)
    waited = whole_seconds(Lot.declared_at, func.min(Claim.claimed_at))
    per_lot = select(month.label("month"), dim.key.label("key"), dim.label.label("label"),
                     waited.label("waited")).select_from(Lot)  # fmt: skip
    per_lot = per_lot.join(Site, Site.id == Lot.site_id).join(Claim, Claim.lot_id == Lot.id)
    per_lot = dim.apply(per_lot, Lot).where(Lot.declared_at >= START, Lot.declared_at < END)
    of_territory, _ = shape
    if of_territory:
        per_lot = per_lot.where(Site.territory_id == TERRITORY)
    lots = per_lot.group_by(Lot.id, Lot.declared_at, dim.key, dim.label).subquery()
    cell = (lots.c.month, lots.c.key)
    ranked = select(
        *lots.c,
        func.row_number().over(partition_by=cell, order_by=lots.c.waited).label("rank"),
        func.count().over(partition_by=cell).label("size"),
    ).subquery()
    # The middle value, or the two middle ones when the count is even.
    middle = ranked.c.rank.in_([(ranked.c.size + 1) // 2, (ranked.c.size + 2) // 2])
    by_cell = (ranked.c.month, ranked.c.key, ranked.c.label)
    query = select(*by_cell, func.sum(ranked.c.waited), func.count()).where(middle)
    return query.group_by(*by_cell)


def receptions(
    session: Session, scope: Scope, dim: Dimension, labels: dict[str, str]
) -> tuple[dict[Key, tuple[Decimal, Decimal, int]], dict[Key, dict[str, tuple[Decimal, int]]]]:
    """By month of reception: measured kg, claimed (estimated) kg and number of receptions; and
    the current outcome kg per outcome group, with reused kg x CO2e factor (millionths)."""
    received: dict[Key, tuple[Decimal, Decimal, int]] = {}
    outcomes: dict[Key, dict[str, tuple[Decimal, int]]] = {}
    query = _receptions(dim.name, scope.shape)
    for at, found, _, measured, claimed, count, *kg, micro in _rows(session, query, scope, labels):
        received[(at, found)] = (kg_of(measured), kg_of(claimed), int(count))
        outcomes[(at, found)] = {
            group.value: (kg_of(group_kg), int(micro or 0) if group is OutcomeGroup.REUSE else 0)
            for group, group_kg in zip(OutcomeGroup, kg, strict=True)
        }
    return received, outcomes


@cache
def _receptions(breakdown: str, shape: Shape) -> Select[Any]:
    reused = raw(ReceptionMonth.reuse_kg)
    factor = func.coalesce(raw(Co2Factor.kgco2e_per_kg), 0)
    columns = (raw(ReceptionMonth.received_kg), raw(ReceptionMonth.claimed_kg),
               ReceptionMonth.receptions,
               *(raw(getattr(ReceptionMonth, f"{g.value}_kg")) for g in OutcomeGroup),
               reused * factor)  # fmt: skip
    on_factor = and_(
        Co2Factor.factor_set_version == FACTORS,
        Co2Factor.subcategory_id == ReceptionMonth.subcategory_id,
    )
    query = _monthly(ReceptionMonth, columns, shape, dimension(breakdown))
    return query.outerjoin(Co2Factor, on_factor)
