"""The statistics use cases: a territory's monthly figures and an actor's own impact."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from reuse.domain.errors import NotFound
from reuse.models import Actor, FactorSet, Territory
from reuse.stats.assembly import totals, totals_and_breakdown
from reuse.stats.dimensions import TOTAL, dimension
from reuse.stats.figures import Figures
from reuse.stats.months import Month, month_range
from reuse.stats.queries import Scope
from reuse.unit_of_work import UnitOfWork

COMPARED_MONTHS = 12


@dataclass(frozen=True)
class Report:
    """A territory's figures for a range of months, with an optional breakdown."""

    territory: str
    territory_name: str
    factor_set: str
    dimension: str
    months: tuple[str, ...]
    totals: tuple[Figures, ...]
    rows: tuple[Figures, ...]
    history: Mapping[str, Figures]

    def previous_month(self, month: str) -> Figures | None:
        """The totals of the month before `month`."""
        return self.history.get(Month.parse(month).shifted(-1).label)

    def same_month_last_year(self, month: str) -> Figures | None:
        """The totals of the same month one year before."""
        return self.history.get(Month.parse(month).shifted(-12).label)


@dataclass(frozen=True)
class ActorMonth:
    """An actor's own month: what it received and reused, CO2e avoided, collections made."""

    month: str
    received_kg: Decimal
    reused_kg: Decimal
    avoided_co2e_kg: Decimal
    collections: int
    factor_set: str


def territory_report(
    uow: UnitOfWork,
    *,
    territory: str,
    first: Month,
    last: Month,
    by: str | None = None,
    factors: str | None = None,
) -> Report:
    """Compute a territory's figures for `first`..`last`, the 12 months before for comparisons."""
    dim = dimension(by)
    with uow:
        found = find_territory(uow.session, territory)
        version = factor_set_version(uow.session, factors)
        return build_report(uow.session, found, first, last, by=dim.name, version=version)


def build_report(
    session: Session, territory: Territory, first: Month, last: Month, *, by: str, version: str
) -> Report:
    """A territory's report, computed in the caller's session."""
    dim = dimension(by)
    months = month_range(first, last)
    wide = Scope(month_range(first.shifted(-COMPARED_MONTHS), last), version, territory.id)
    rows: list[Figures] = []
    if dim is TOTAL:
        history = totals(session, wide)
    else:
        history, rows = totals_and_breakdown(
            session, wide, Scope(months, version, territory.id), dim
        )
    labels = tuple(m.label for m in months)
    return Report(
        territory.slug, territory.name, version, dim.name, labels,
        tuple(history[m] for m in labels), tuple(rows), history,
    )  # fmt: skip


def actor_impact(
    uow: UnitOfWork, *, actor: str, first: Month, last: Month, factors: str | None = None
) -> tuple[ActorMonth, ...]:
    """An actor's monthly received and reused kg, avoided CO2e and collections, all territories."""
    with uow:
        session = uow.session
        found = session.scalar(select(Actor).where(Actor.slug == actor))
        if found is None:
            raise NotFound(f"no actor {actor!r}")
        version = factor_set_version(session, factors)
        scope = Scope(month_range(first, last), version, actor_id=found.id)
        return tuple(
            ActorMonth(
                f.month, f.diverted_kg, f.reused_kg, f.avoided_co2e_kg, f.collections, version
            )
            for f in totals(session, scope, lots=False).values()
        )


def factor_set_version(session: Session, wanted: str | None) -> str:
    """The factor-set version asked for, or the latest one loaded."""
    if wanted is not None:
        if session.get(FactorSet, wanted) is None:
            raise NotFound(f"no CO2e factor set {wanted!r}")
        return wanted
    latest = select(FactorSet.version).order_by(
        FactorSet.loaded_at.desc(), FactorSet.version.desc()
    )
    version = session.scalar(latest.limit(1))
    if version is None:
        raise NotFound("no CO2e factor set is loaded: run `reuse refdata load`")
    return version


def find_territory(session: Session, slug: str) -> Territory:
    found = session.scalar(select(Territory).where(Territory.slug == slug))
    if found is None:
        raise NotFound(f"no territory {slug!r}")
    return found
