"""Monthly rollups of the figures, kept equal to the raw rows by every commit.

`lot_month` sums lots by (site, month, subcategory), `reception_month` sums receptions by
(site, month, subcategory, actor). A *cell* is one (site, month) of both tables. Every session
notes, as it flushes, the lots, claims, receptions and outcome lines it changes in a way the
figures can see; just before it commits, it recomputes from the raw rows every cell those
rows are in now or were in before, so the rollups commit with the change or not at all.

On PostgreSQL each recomputed cell is locked first (a transaction-level advisory lock, cells
in one order), so two commits that touch one cell recompute it one after the other, the
second one reading what the first committed. SQLite runs one writer at a time anyway.

`rebuild` recomputes every cell: after a bulk load that bypassed sessions, and after an upgrade
that creates the rollups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import product
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    String,
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.sql.expression import type_coerce
from sqlalchemy.sql.functions import GenericFunction

from reuse.domain.vocabulary import ClaimStatus, LotStatus, OutcomeGroup
from reuse.models import (
    Claim,
    Lot,
    LotMonth,
    Outcome,
    OutcomeLine,
    Reception,
    ReceptionMonth,
)
from reuse.models.types import UTCDateTime
from reuse.stats.months import Month, month_range

HOLDING = (ClaimStatus.ACTIVE.value, ClaimStatus.RECEIVED.value, ClaimStatus.NOT_COLLECTED.value)
PAST_EXPIRY = (LotStatus.CLAIMED.value, LotStatus.COLLECTED.value, LotStatus.CLOSED.value)
Cell = tuple[int, Month]
Row = tuple[Any, ...]
CHANGES = "reuse_rollup_changes"
# Set in `Session.info` of a session that writes a database below revision 0008, which has no
# rollups yet (the upgrade that creates them fills them from the rows, reuse/migrate.py).
BELOW_ROLLUPS = "reuse_below_rollups"
ZERO, ONE = literal_column("0", BigInteger), literal_column("1", BigInteger)

# What the figures read of each table (a lot's status only as expired / past expiry / other).
LOT_FIELDS = ("site_id", "subcategory_id", "estimated_kg", "declared_at", "deadline")
CLAIM_FIELDS = ("lot_id", "actor_id", "kg", "status")
RECEPTION_FIELDS = ("claim_id", "site_id", "measured_kg", "received_at")
LINE_FIELDS = ("reception_id", "outcome_slug", "kg")
LOT_MONTH_COLUMNS = ("site_id", "month", "subcategory_id", "declared_kg", "lots", "missed_kg",
                     "withdrawn_kg")  # fmt: skip
RECEPTION_MONTH_COLUMNS = ("site_id", "month", "subcategory_id", "actor_id", "received_kg",
                           "claimed_kg", "receptions", *(f"{g.value}_kg" for g in OutcomeGroup))  # fmt: skip


def raw(column: Any) -> ColumnElement[int]:
    """A kilogram column as its stored integer thousandths."""
    return type_coerce(column, BigInteger)


class paris_month(GenericFunction[str]):  # noqa: N801 - an SQL function, named as such
    """The `YYYY-MM` label of the Paris month of an instant. PostgreSQL reads its time zone
    database; SQLite, which has none, calls the Python function of the same name that every
    connection of ours registers (reuse/db.py)."""

    type = String()
    inherit_cache = True


@compiles(paris_month, "postgresql")
def _paris_month_postgresql(element: paris_month, compiler: Any, **kw: Any) -> str:
    instant = compiler.process(element.clauses, **kw)
    return f"to_char({instant} AT TIME ZONE 'Europe/Paris', 'YYYY-MM')"


@dataclass(frozen=True)
class Span:
    """Which raw rows a recomputation reads: instants from `start` to `end`, labelled with
    their month by `label_of`, on `sites` (every site if None)."""

    label_of: Callable[[Any], ColumnElement[str]]
    start: Any
    end: Any
    sites: Any = None


def span_of(months: Sequence[Month], sites: Sequence[int] | None = None) -> Span:
    """The span of `months` (and `sites`)."""
    return Span(paris_month, months[0].start, months[-1].end, sites)


# One cell as bound parameters (label, start, end, sites): its statements, built once below,
# are compiled once, however many commits recompute cells.
CELL = Span(
    lambda _: bindparam("label", type_=String()),
    bindparam("start", type_=UTCDateTime()),
    bindparam("end", type_=UTCDateTime()),
    bindparam("sites", expanding=True),
)


def lot_month_rows(months: Sequence[Month], sites: Sequence[int] | None = None) -> Select[Any]:
    """The lot_month rows of `months` (and `sites`) recomputed from the lots and claims."""
    return _lot_month_rows(span_of(months, sites))


def _lot_month_rows(span: Span) -> Select[Any]:
    declared = _lots_in(select(
        Lot.site_id, span.label_of(Lot.declared_at).label("month"), Lot.subcategory_id,
        raw(Lot.estimated_kg).label("declared"), ONE.label("lots"),
        ZERO.label("missed"), ZERO.label("withdrawn"),
    ), Lot.declared_at, span)  # fmt: skip
    held = select(func.coalesce(func.sum(raw(Claim.kg)), 0)).where(
        Claim.lot_id == Lot.id, Claim.status.in_(HOLDING)
    )
    estimated = raw(Lot.estimated_kg)
    deadlines = _lots_in(select(
        Lot.site_id, span.label_of(Lot.deadline), Lot.subcategory_id,
        ZERO, ZERO,
        case((Lot.status == LotStatus.EXPIRED.value, estimated), else_=0),
        case((Lot.status.in_(PAST_EXPIRY), estimated - held.scalar_subquery()), else_=0),
    ), Lot.deadline, span).where(Lot.status.in_((LotStatus.EXPIRED.value, *PAST_EXPIRY)))  # fmt: skip
    both = union_all(declared, deadlines).subquery()
    keys = (both.c.site_id, both.c.month, both.c.subcategory_id)
    sums = (func.sum(both.c[name]) for name in ("declared", "lots", "missed", "withdrawn"))
    return select(*keys, *sums).group_by(*keys)


def _lots_in(query: Select[*Row], when: Any, span: Span) -> Select[*Row]:
    query = query.where(when >= span.start, when < span.end)
    return query if span.sites is None else query.where(Lot.site_id.in_(span.sites))


def reception_month_rows(
    months: Sequence[Month], sites: Sequence[int] | None = None
) -> Select[Any]:
    """The reception_month rows of `months` (and `sites`) recomputed from the receptions and
    their current outcome lines."""
    return _reception_month_rows(span_of(months, sites))


def _reception_month_rows(span: Span) -> Select[Any]:
    line = raw(OutcomeLine.kg)
    each = (
        select(
            Reception.site_id,
            span.label_of(Reception.received_at).label("month"),
            Lot.subcategory_id,
            Claim.actor_id,
            raw(Reception.measured_kg).label("received"),
            raw(Claim.kg).label("claimed"),
            *(
                func.sum(case((Outcome.group == g.value, line), else_=0)).label(g.value)
                for g in OutcomeGroup
            ),
        )
        .select_from(Reception)
        .join(Claim, Claim.id == Reception.claim_id)
        .join(Lot, Lot.id == Claim.lot_id)
        .outerjoin(OutcomeLine, OutcomeLine.reception_id == Reception.id)
        .outerjoin(Outcome, Outcome.slug == OutcomeLine.outcome_slug)
        .where(Reception.received_at >= span.start, Reception.received_at < span.end)
        .group_by(Reception.id, Claim.id, Lot.id)
    )
    if span.sites is not None:
        each = each.where(Reception.site_id.in_(span.sites))
    per = each.subquery()
    keys = (per.c.site_id, per.c.month, per.c.subcategory_id, per.c.actor_id)
    groups = (func.sum(per.c[g.value]) for g in OutcomeGroup)
    sums = (func.sum(per.c.received), func.sum(per.c.claimed), func.count(), *groups)
    return select(*keys, *sums).group_by(*keys)


def _rewrites(
    table: type[LotMonth] | type[ReceptionMonth], rows: Select[Any], columns: Sequence[str]
) -> tuple[Any, Any]:
    """Delete then insert the rows of one span of `table`."""
    stale = delete(table).where(table.month == CELL.label_of(None), table.site_id.in_(CELL.sites))
    return stale, insert(table).from_select(columns, rows)


CELL_WRITES = {
    LotMonth: _rewrites(LotMonth, _lot_month_rows(CELL), LOT_MONTH_COLUMNS),
    ReceptionMonth: _rewrites(ReceptionMonth, _reception_month_rows(CELL), RECEPTION_MONTH_COLUMNS),
}


def refresh(
    connection: Connection, lot_cells: Iterable[Cell], reception_cells: Iterable[Cell] = ()
) -> None:
    """Recompute the lot_month rows of `lot_cells` and the reception_month rows of
    `reception_cells` from the raw rows, each cell locked first on PostgreSQL."""
    lots, receptions = set(lot_cells), set(reception_cells)
    if connection.dialect.name == "postgresql":
        for site, month in sorted(lots | receptions):
            connection.execute(select(func.pg_advisory_xact_lock(site, month.index)))
    for cells, table in ((lots, LotMonth), (receptions, ReceptionMonth)):
        by_month: dict[Month, list[int]] = defaultdict(list)
        for site, month in sorted(cells):
            by_month[month].append(site)
        for month, sites in by_month.items():
            cell = {"label": month.label, "start": month.start, "end": month.end, "sites": sites}
            for statement in CELL_WRITES[table]:
                connection.execute(statement, cell)


def rebuild(connection: Connection) -> int:
    """Recompute every rollup row from the raw rows; return the number of months covered."""
    connection.execute(delete(LotMonth))
    connection.execute(delete(ReceptionMonth))
    bounds = [
        connection.execute(select(func.min(column), func.max(column))).one()
        for column in (Lot.declared_at, Lot.deadline, Reception.received_at)
    ]
    instants = [at for pair in bounds for at in pair if at is not None]
    if not instants:
        return 0
    months = month_range(Month.of(min(instants)), Month.of(max(instants)))
    span = span_of(months)
    connection.execute(insert(LotMonth).from_select(LOT_MONTH_COLUMNS, _lot_month_rows(span)))
    connection.execute(
        insert(ReceptionMonth).from_select(RECEPTION_MONTH_COLUMNS, _reception_month_rows(span))
    )
    return len(months)


@dataclass
class Changes:
    """What one transaction changed that the rollups read, noted as it flushes.

    Cells are noted from the rows' current and former values where the session holds them;
    what it does not hold is looked up just before the commit: the lots whose deadline cell a
    claim changes, the receptions of changed claims and of recategorised lots, and receptions
    whose outcome lines changed.
    """

    lot_cells: set[Cell] = field(default_factory=set)
    reception_cells: set[Cell] = field(default_factory=set)
    deadlines_of: set[int] = field(default_factory=set)  # lot ids
    receptions_of_claims: set[int] = field(default_factory=set)
    receptions_of_lots: set[int] = field(default_factory=set)
    receptions: set[int] = field(default_factory=set)

    def note(self, instance: object, *, whole: bool, new: bool = False) -> None:
        """Note `instance` if the figures can see its change (`whole`: added or deleted;
        `new`: added)."""
        if isinstance(instance, Lot):
            if whole or _changed(instance, LOT_FIELDS) or _status_class_changed(instance):
                instants = (
                    ("declared_at", "deadline") if _at_deadline(instance) else ("declared_at",)
                )
                self.lot_cells.update(_cells(instance, instants))
            if not whole and _changed(instance, ("subcategory_id",)):
                self.receptions_of_lots.add(instance.id)
        elif isinstance(instance, Claim):
            if whole or _changed(instance, CLAIM_FIELDS):
                self.deadlines_of.update(_values(instance, "lot_id"))
                if not new:  # a claim added now has no reception yet
                    self.receptions_of_claims.add(instance.id)
        elif isinstance(instance, Reception):
            if whole or _changed(instance, RECEPTION_FIELDS):
                self.reception_cells.update(_cells(instance, ("received_at",)))
                self.receptions.add(instance.id)
        elif isinstance(instance, OutcomeLine) and (whole or _changed(instance, LINE_FIELDS)):
            self.receptions.update(_values(instance, "reception_id"))

    def resolve(self, session: Session) -> tuple[set[Cell], set[Cell]]:
        """The lot cells and reception cells to recompute."""
        lot_cells, reception_cells = set(self.lot_cells), set(self.reception_cells)
        for lot in map(partial(session.get, Lot), sorted(self.deadlines_of)):
            if lot is not None and _at_deadline(lot):
                lot_cells.add((lot.site_id, Month.of(lot.deadline)))
        for reception in map(partial(session.get, Reception), sorted(self.receptions)):
            if reception is not None:
                reception_cells.add((reception.site_id, Month.of(reception.received_at)))
        claims, lots = sorted(self.receptions_of_claims), sorted(self.receptions_of_lots)
        if claims or lots:
            received = (
                select(Reception.site_id, Reception.received_at)
                .join(Claim, Claim.id == Reception.claim_id)
                .where(or_(Claim.id.in_(claims), Claim.lot_id.in_(lots)))
            )
            reception_cells.update((site, Month.of(at)) for site, at in session.execute(received))
        return lot_cells, reception_cells


def _changed(instance: object, fields: Sequence[str]) -> bool:
    return any(get_history(instance, name).has_changes() for name in fields)


def _status_class_changed(lot: Lot) -> bool:
    """Whether the status moved between expired, past expiry and the others (or from unknown)."""
    history = get_history(lot, "status")
    if not history.has_changes():
        return False
    classes = {_status_class(s) for s in (*history.deleted, *history.added)}
    return not history.deleted or len(classes) > 1


def _at_deadline(lot: Lot) -> bool:
    """Whether the lot is, or was before the changes noted, in a row of its deadline month:
    only expired lots and lots past expiry are (a lot's claims count there only then)."""
    return any(_status_class(s) != "other" for s in _values(lot, "status"))


def _status_class(status: str | None) -> str:
    if status == LotStatus.EXPIRED.value:
        return "expired"
    return "past" if status in PAST_EXPIRY else "other"


def _values(instance: object, name: str) -> list[Any]:
    """The current and former values of an attribute."""
    history = get_history(instance, name)
    return [v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None]


def _cells(instance: object, instants: Sequence[str]) -> Iterator[Cell]:
    """Every (site, month) the row is in or was in, by its current and former values."""
    sites = _values(instance, "site_id")
    for name in instants:
        for site_id, at in product(sites, _values(instance, name)):
            yield site_id, Month.of(at)


def _note_flushed(session: Session, _flush: UOWTransaction) -> None:
    changes = session.info.setdefault(CHANGES, Changes())
    for instance in session.new:
        changes.note(instance, whole=True, new=True)
    for instance in session.deleted:
        changes.note(instance, whole=True)
    for instance in session.dirty:
        changes.note(instance, whole=False)


def _refresh_before_commit(session: Session) -> None:
    if session.info.get(BELOW_ROLLUPS):
        return
    session.flush()
    changes: Changes | None = session.info.pop(CHANGES, None)
    if changes is not None:
        lot_cells, reception_cells = changes.resolve(session)
        if lot_cells or reception_cells:
            refresh(session.connection(), lot_cells, reception_cells)


def _forget(session: Session, _previous: Any) -> None:
    session.info.pop(CHANGES, None)


HOOKS = (("after_flush", _note_flushed), ("before_commit", _refresh_before_commit),
         ("after_soft_rollback", _forget))  # fmt: skip


def keep_in_step() -> None:
    """Make every session keep the rollups in step with what it commits (once per process)."""
    for name, hook in HOOKS:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
