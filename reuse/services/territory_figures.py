"""A territory's monthly figures for its viewers (any territory's for admins), as the
statistics module computes them, over a range of months."""

from __future__ import annotations

from reuse.domain.errors import FieldError, ValidationFailed
from reuse.domain.vocabulary import Role
from reuse.services.access import By
from reuse.services.territory_directory import readable_territory
from reuse.stats.dimensions import DIMENSIONS
from reuse.stats.months import Month
from reuse.stats.service import Report, build_report, factor_set_version
from reuse.unit_of_work import UnitOfWork

VIEWERS = frozenset({Role.TERRITORY_VIEWER})
LONGEST_RANGE_MONTHS = 120


def territory_figures(
    uow: UnitOfWork, *, by: By, territory_id: int, first: Month, last: Month,
    breakdown: str | None = None, factors: str | None = None,
) -> Report:  # fmt: skip
    """Monthly totals from `first` to `last` with comparisons, and an optional breakdown."""
    _check_range(first, last)
    if breakdown is not None and breakdown not in DIMENSIONS:
        raise ValidationFailed([FieldError("by", "unknown", f"one of {', '.join(DIMENSIONS)}")])
    with uow:
        territory = readable_territory(uow.session, by, territory_id, VIEWERS)
        version = factor_set_version(uow.session, factors)
        return build_report(
            uow.session, territory, first, last, by=breakdown or "total", version=version
        )


def territory_open_data(
    uow: UnitOfWork, *, by: By, territory_id: int, first: Month, last: Month,
    factors: str | None = None,
) -> tuple[Report, ...]:  # fmt: skip
    """The range's figures under every breakdown, for the long-format open-data file."""
    _check_range(first, last)
    with uow:
        territory = readable_territory(uow.session, by, territory_id, VIEWERS)
        version = factor_set_version(uow.session, factors)
        return tuple(
            build_report(uow.session, territory, first, last, by=name, version=version)
            for name in DIMENSIONS
        )


def _check_range(first: Month, last: Month) -> None:
    if last < first:
        raise ValidationFailed([FieldError("to", "before_from", "must not be before 'from'")])
    if last.index - first.index >= LONGEST_RANGE_MONTHS:
        raise ValidationFailed(
            [FieldError("to", "too_long", f"at most {LONGEST_RANGE_MONTHS} months from 'from'")]
        )
