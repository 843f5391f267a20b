"""What an intercommunality's dashboard shows, read in one transaction: the twelve months up
to a month by category (totals with comparisons), and that month by site, actor, commune
and REP filière. Viewers read their own territory; admins any."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, true

from reuse.models import Territory
from reuse.services.access import By, acting_user, is_admin
from reuse.services.territory_directory import (
    TerritoryView,
    member_territory_ids,
    readable_territory,
    territory_view,
)
from reuse.services.territory_figures import VIEWERS
from reuse.stats.months import Month
from reuse.stats.service import Report, build_report, factor_set_version
from reuse.unit_of_work import UnitOfWork

HISTORY_MONTHS = 12
CHART_BREAKDOWN = "category"
MONTH_BREAKDOWNS = ("site", "actor", "commune", "rep")


@dataclass(frozen=True)
class Dashboard:
    territory_id: int
    month: Month
    history: Report
    breakdowns: tuple[Report, ...]

    @property
    def first(self) -> Month:
        """The first month of the history."""
        return self.month.shifted(1 - HISTORY_MONTHS)

    @property
    def reports(self) -> tuple[Report, ...]:
        """Every report the dashboard shows, the history first (what its exports hold)."""
        return (self.history, *self.breakdowns)


def figure_territories(uow: UnitOfWork, *, by: By) -> list[TerritoryView]:
    """The territories whose figures the user reads (all of them for admins), by name."""
    with uow:
        user = acting_user(uow.session, by)
        rule = true() if is_admin(user) else Territory.id.in_(member_territory_ids(user, VIEWERS))
        query = select(Territory).where(rule).order_by(Territory.name)
        return [territory_view(t) for t in uow.session.scalars(query)]


def territory_dashboard(
    uow: UnitOfWork, *, by: By, territory_id: int, month: Month, factors: str | None = None
) -> Dashboard:
    """The dashboard of `month` for a territory the user may read."""
    with uow:
        territory = readable_territory(uow.session, by, territory_id, VIEWERS)
        version = factor_set_version(uow.session, factors)
        first = month.shifted(1 - HISTORY_MONTHS)
        history = build_report(uow.session, territory, first, month, by=CHART_BREAKDOWN,
                               version=version)  # fmt: skip
        breakdowns = tuple(
            build_report(uow.session, territory, month, month, by=name, version=version)
            for name in MONTH_BREAKDOWNS
        )
        return Dashboard(territory.id, month, history, breakdowns)
