"""Reading lots: lists with filters and pages, and one lot's detail with its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.orm import joinedload

from reuse.domain.errors import NotFound
from reuse.domain.french import PARIS
from reuse.domain.vocabulary import Role
from reuse.models import Actor, Lot, Offer, OutboxMessage, Site, StatusLogEntry, Subcategory, User
from reuse.services.access import Acting, By, acting_user
from reuse.unit_of_work import UnitOfWork

# The columns of a lot summary, in LotSummary's order (lists read them, not whole lots).
SUMMARY_COLUMNS = (
    Lot.id, Lot.site_id, Site.name, Subcategory.slug, Subcategory.label_fr, Lot.condition,
    Lot.item_count, Lot.estimated_kg, Lot.remaining_kg, Lot.weight_is_estimate, Lot.weight_flag,
    Lot.status, Lot.declared_at, Lot.available_from, Lot.deadline,
)  # fmt: skip


def with_summary(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """`query` (on lots) joined to what a lot summary shows of its site and subcategory."""
    return query.join(Site, Site.id == Lot.site_id).join(
        Subcategory, Subcategory.id == Lot.subcategory_id
    )


@dataclass(frozen=True)
class LotFilters:
    status: str | None = None
    site_id: int | None = None
    subcategory: str | None = None
    declared_from: date | None = None
    declared_to: date | None = None


@dataclass(frozen=True)
class LotSummary:
    id: int
    site_id: int
    site_name: str
    subcategory: str
    subcategory_label: str
    condition: str
    item_count: int | None
    estimated_kg: Decimal
    remaining_kg: Decimal
    weight_is_estimate: bool
    weight_flag: str | None
    status: str
    declared_at: datetime
    available_from: datetime
    deadline: datetime


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    event: str | None
    from_status: str | None
    to_status: str
    reason: str
    by: str | None


@dataclass(frozen=True)
class OfferLine:
    actor_id: int
    actor_name: str
    wave: int
    rank: int
    distance_km: Decimal
    score: Decimal
    reasons: list[str]
    status: str
    sent_at: datetime


@dataclass(frozen=True)
class LotDetail:
    lot: LotSummary
    description: str
    photos: list[dict[str, Any]]
    timeline: list[TimelineEntry]
    offers: list[OfferLine]


def visible_lots(user: Acting) -> ColumnElement[bool]:
    """Which lots a user may read: its territories' (agents, viewers), those offered to its
    actor (recyclers), every lot (admins)."""
    if any(m.role == Role.ADMIN for m in user.memberships):
        return true()
    rules = [
        _membership_rule(m.role, m.territory_id, m.site_id, m.actor_id) for m in user.memberships
    ]
    return or_(false(), *rules)


def _membership_rule(
    role: str, territory: int | None, site: int | None, actor: int | None
) -> ColumnElement[bool]:
    if role in (Role.AGENT, Role.TERRITORY_VIEWER) and site is not None:
        return Lot.site_id == site
    if role in (Role.AGENT, Role.TERRITORY_VIEWER) and territory is not None:
        return Lot.site_id.in_(select(Site.id).where(Site.territory_id == territory))
    if role == Role.RECYCLER and actor is not None:
        return Lot.id.in_(select(Offer.lot_id).where(Offer.actor_id == actor))
    return false()


def list_lots(
    uow: UnitOfWork, *, by: By, filters: LotFilters, page: int = 1, per_page: int = 25
) -> tuple[list[LotSummary], int]:
    """One page of the lots the user may read, newest first, and how many there are in all."""
    with uow:
        user = acting_user(uow.session, by)
        counted = _filtered(select(Lot.id), user, filters).subquery()
        total = uow.session.scalar(select(func.count()).select_from(counted)) or 0
        query = _filtered(with_summary(select(*SUMMARY_COLUMNS).select_from(Lot)), user, filters)
        rows = uow.session.execute(
            query.order_by(Lot.declared_at.desc(), Lot.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return [LotSummary(*row) for row in rows], total


def _filtered(query: Select[Any], user: Acting, filters: LotFilters) -> Select[Any]:
    conditions = [visible_lots(user)]
    if filters.status:
        conditions.append(Lot.status == filters.status)
    if filters.site_id:
        conditions.append(Lot.site_id == filters.site_id)
    if filters.subcategory:
        conditions.append(Lot.subcategory_id.in_(
            select(Subcategory.id).where(Subcategory.slug == filters.subcategory)))  # fmt: skip
    if filters.declared_from:
        conditions.append(Lot.declared_at >= _paris_midnight(filters.declared_from))
    if filters.declared_to:
        conditions.append(
            Lot.declared_at < _paris_midnight(filters.declared_to + timedelta(days=1))
        )
    return query.where(and_(*conditions))


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS)


def lot_detail(uow: UnitOfWork, *, by: By, lot_id: int) -> LotDetail:
    """A lot the user may read, with its timeline (status log and events) and its offers."""
    with uow:
        user = acting_user(uow.session, by)
        visible = select(Lot).where(Lot.id == lot_id, visible_lots(user))
        lot = uow.session.scalar(visible.options(*WITH_PLACE))
        if lot is None:
            raise NotFound(f"no lot {lot_id}")
        return LotDetail(
            summary(lot), lot.description, lot.photos, _timeline(uow, lot), _offers(uow, lot, user)
        )


# A lot with the site and subcategory its summary names, in the same query.
WITH_PLACE = (joinedload(Lot.site), joinedload(Lot.subcategory))


def summary(lot: Lot) -> LotSummary:
    """The list view of a lot."""
    return LotSummary(
        lot.id, lot.site_id, lot.site.name, lot.subcategory.slug, lot.subcategory.label_fr, lot.condition,
        lot.item_count, lot.estimated_kg, lot.remaining_kg, lot.weight_is_estimate, lot.weight_flag,
        lot.status, lot.declared_at, lot.available_from, lot.deadline,
    )  # fmt: skip


def _timeline(uow: UnitOfWork, lot: Lot) -> list[TimelineEntry]:
    query = (
        select(StatusLogEntry, OutboxMessage.name, User.display_name)
        .outerjoin(OutboxMessage, OutboxMessage.event_id == StatusLogEntry.event_id)
        .outerjoin(User, User.id == StatusLogEntry.by_user_id)
        .where(StatusLogEntry.lot_id == lot.id)
        .order_by(StatusLogEntry.id)
    )
    return [
        TimelineEntry(entry.at, event, entry.from_status, entry.to_status, entry.reason, who)
        for entry, event, who in uow.session.execute(query)
    ]


def _offers(uow: UnitOfWork, lot: Lot, user: Acting) -> list[OfferLine]:
    query = (
        select(Offer, Actor.name)
        .join(Actor, Actor.id == Offer.actor_id)
        .where(Offer.lot_id == lot.id)
    )
    own_actor_only = not any(m.role != Role.RECYCLER for m in user.memberships)
    if own_actor_only:
        query = query.where(
            Offer.actor_id.in_([m.actor_id for m in user.memberships if m.actor_id])
        )
    return [
        OfferLine(
            o.actor_id, name, o.wave, o.rank, o.distance_km, o.score, o.reasons, o.status, o.sent_at
        )
        for o, name in uow.session.execute(query.order_by(Offer.rank))
    ]
