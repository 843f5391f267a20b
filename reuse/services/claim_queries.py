"""Reading claims and receptions: a recycler's own, or who comes when to an agent's sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true

from reuse.domain.errors import NotFound
from reuse.domain.french import PARIS
from reuse.domain.vocabulary import Role
from reuse.models import Claim, Lot, Reception, Site, SupersededOutcome
from reuse.services.access import Acting, By, Grant, acting_user, is_admin
from reuse.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ClaimFilters:
    status: str | None = None
    lot_id: int | None = None
    pickup_from: date | None = None
    pickup_to: date | None = None


@dataclass(frozen=True)
class ClaimView:
    id: int
    offer_id: int
    lot_id: int
    actor_id: int
    actor_name: str
    site_id: int
    site_name: str
    subcategory_label: str
    kg: Decimal
    item_count: int | None
    status: str
    claimed_at: datetime
    pickup_at: datetime | None
    deadline: datetime
    reception_id: int | None
    received_kg: Decimal | None


@dataclass(frozen=True)
class Correction:
    outcome: str
    kg: Decimal
    reported_at: datetime
    superseded_at: datetime
    reason: str


@dataclass(frozen=True)
class ReceptionView:
    id: int
    claim_id: int
    lot_id: int
    actor_id: int
    claimed_kg: Decimal
    measured_kg: Decimal
    gap_kg: Decimal
    anomaly: str | None
    note: str
    received_at: datetime
    outcomes: dict[str, Decimal]
    corrections: list[Correction]


def visible_claims(user: Acting) -> ColumnElement[bool]:
    """Which claims a user may read: its actor's (recyclers), those on its sites' lots (agents),
    every one (admins)."""
    if is_admin(user):
        return true()
    return or_(false(), *(_membership_rule(m) for m in user.memberships))


def _membership_rule(membership: Grant) -> ColumnElement[bool]:
    if membership.role == Role.RECYCLER and membership.actor_id is not None:
        return Claim.actor_id == membership.actor_id
    if membership.role != Role.AGENT:
        return false()
    if membership.site_id is not None:
        sites = select(Lot.id).where(Lot.site_id == membership.site_id)
    else:
        territory = select(Site.id).where(Site.territory_id == membership.territory_id)
        sites = select(Lot.id).where(Lot.site_id.in_(territory))
    return Claim.lot_id.in_(sites)


def list_claims(
    uow: UnitOfWork, *, by: By, filters: ClaimFilters, page: int = 1, per_page: int = 25
) -> tuple[list[ClaimView], int]:
    """One page of the claims the user may read, by pickup time (unbooked last), and the total."""
    with uow:
        query = _filtered(select(Claim), acting_user(uow.session, by), filters)
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = uow.session.scalars(
            query.order_by(Claim.pickup_at.is_(None), Claim.pickup_at, Claim.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return [claim_view(claim) for claim in rows], total


def _filtered(query: Select[Any], user: Acting, filters: ClaimFilters) -> Select[Any]:
    query = query.where(visible_claims(user))
    if filters.status:
        query = query.where(Claim.status == filters.status)
    if filters.lot_id:
        query = query.where(Claim.lot_id == filters.lot_id)
    if filters.pickup_from:
        query = query.where(Claim.pickup_at >= _paris_midnight(filters.pickup_from))
    if filters.pickup_to:
        query = query.where(
            Claim.pickup_at < _paris_midnight(filters.pickup_to + timedelta(days=1))
        )
    return query


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS)


def claim_detail(uow: UnitOfWork, *, by: By, claim_id: int) -> ClaimView:
    """One claim the user may read; any other claim does not exist for it."""
    with uow:
        user = acting_user(uow.session, by)
        claim = uow.session.scalar(select(Claim).where(Claim.id == claim_id, visible_claims(user)))
        if claim is None:
            raise NotFound(f"no claim {claim_id}")
        return claim_view(claim)


def claim_view(claim: Claim) -> ClaimView:
    """A claim with where, what and, once weighed, what came in."""
    lot, reception = claim.lot, claim.reception
    return ClaimView(
        claim.id, claim.offer_id, claim.lot_id, claim.actor_id, claim.actor.name, lot.site_id,
        lot.site.name, lot.subcategory.label_fr, claim.kg, claim.item_count, claim.status,
        claim.claimed_at, claim.pickup_at, lot.deadline,
        reception.id if reception else None, reception.measured_kg if reception else None,
    )  # fmt: skip


def reception_detail(uow: UnitOfWork, *, by: By, reception_id: int) -> ReceptionView:
    """A reception of a claim the user may read, with its outcomes and their corrections."""
    with uow:
        user = acting_user(uow.session, by)
        query = select(Reception).join(Claim, Claim.id == Reception.claim_id)
        reception = uow.session.scalar(
            query.where(Reception.id == reception_id, visible_claims(user))
        )
        if reception is None:
            raise NotFound(f"no reception {reception_id}")
        claim = reception.claim
        return ReceptionView(
            reception.id, claim.id, claim.lot_id, claim.actor_id, claim.kg,
            reception.measured_kg, reception.measured_kg - claim.kg, reception.anomaly,
            reception.note, reception.received_at,
            {line.outcome_slug: line.kg for line in reception.outcome_lines},
            _corrections(uow, reception.id),
        )  # fmt: skip


def _corrections(uow: UnitOfWork, reception_id: int) -> list[Correction]:
    query = (
        select(SupersededOutcome)
        .where(SupersededOutcome.reception_id == reception_id)
        .order_by(SupersededOutcome.superseded_at, SupersededOutcome.id)
    )
    return [
        Correction(old.outcome_slug, old.kg, old.reported_at, old.superseded_at, old.reason)
        for old in uow.session.scalars(query)
    ]
