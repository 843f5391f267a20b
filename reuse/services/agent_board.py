"""What an agent's pages read besides lots: their sites, the taxonomy to pick from, alerts,
and each lot's claims with their pickups and receptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, or_, select

from reuse.domain.errors import NotFound
from reuse.domain.french import PARIS
from reuse.domain.vocabulary import ClaimStatus, LotStatus, Role
from reuse.models import Actor, Category, Claim, Lot, Reception, Site, Subcategory
from reuse.services.access import Acting, By, acting_user, is_admin
from reuse.services.lot_queries import (
    LotDetail,
    LotFilters,
    LotSummary,
    list_lots,
    lot_detail,
    visible_lots,
)
from reuse.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SiteChoice:
    id: int
    name: str


@dataclass(frozen=True)
class SubcategoryChoice:
    slug: str
    label: str
    unit_kg: Decimal


@dataclass(frozen=True)
class CategoryGroup:
    label: str
    subcategories: list[SubcategoryChoice]


@dataclass(frozen=True)
class ClaimLine:
    id: int
    lot_id: int
    actor_name: str
    kg: Decimal
    item_count: int | None
    status: str
    pickup_at: datetime | None
    received_kg: Decimal | None
    received_at: datetime | None
    outcomes: dict[str, Decimal]


@dataclass(frozen=True)
class Pickup:
    claim_id: int
    lot_id: int
    site_name: str
    subcategory_label: str
    actor_name: str
    kg: Decimal
    pickup_at: datetime


def agent_sites(uow: UnitOfWork, *, by: By) -> list[SiteChoice]:
    """The active sites an agent may declare at, by name."""
    with uow:
        query = select(Site).where(Site.active, _agent_site_rule(acting_user(uow.session, by)))
        return [SiteChoice(s.id, s.name) for s in uow.session.scalars(query.order_by(Site.name))]


def _agent_site_rule(user: Acting) -> ColumnElement[bool]:
    if is_admin(user):
        return Site.id.is_not(None)
    agents = [m for m in user.memberships if m.role == Role.AGENT]
    rules = [
        Site.id == m.site_id if m.site_id is not None else Site.territory_id == m.territory_id
        for m in agents
    ]
    return or_(Site.id.is_(None), *rules)


def subcategory_groups(uow: UnitOfWork) -> list[CategoryGroup]:
    """The reusable subcategories, grouped by category, in French alphabetical order."""
    with uow:
        query = (
            select(Category.label_fr, Subcategory)
            .join(Subcategory.category)
            .where(Subcategory.reusable)
            .order_by(Category.label_fr, Subcategory.label_fr)
        )
        groups: dict[str, list[SubcategoryChoice]] = {}
        for label, sub in uow.session.execute(query):
            groups.setdefault(label, []).append(
                SubcategoryChoice(sub.slug, sub.label_fr, sub.unit_kg)
            )
        return [CategoryGroup(label, subs) for label, subs in groups.items()]


@dataclass(frozen=True)
class DeclarationChoices:
    sites: list[SiteChoice]
    groups: list[CategoryGroup]


def declaration_choices(uow: UnitOfWork, *, by: By) -> DeclarationChoices:
    """What the declaration form offers an agent: their sites and the subcategories."""
    return DeclarationChoices(agent_sites(uow, by=by), subcategory_groups(uow))


@dataclass(frozen=True)
class Alerts:
    unmatched: list[LotSummary]
    pickups: list[Pickup]


def agent_alerts(uow: UnitOfWork, *, by: By, day: date) -> Alerts:
    """What an agent must see first: lots nobody takes, and the pickups booked for `day`."""
    unmatched, _ = list_lots(
        uow, by=by, filters=LotFilters(status=LotStatus.UNMATCHED.value), per_page=50
    )
    return Alerts(unmatched, pickups_on(uow, by=by, day=day))


@dataclass(frozen=True)
class LotFile:
    detail: LotDetail
    claims: list[ClaimLine]


def lot_file(uow: UnitOfWork, *, by: By, lot_id: int) -> LotFile:
    """A lot the user may read with its timeline, offers, and claims with their pickups."""
    return LotFile(lot_detail(uow, by=by, lot_id=lot_id), lot_claims(uow, by=by, lot_id=lot_id))


def pickups_on(uow: UnitOfWork, *, by: By, day: date) -> list[Pickup]:
    """The active claims whose pickup is booked on `day` (Paris) at the agent's sites."""
    start = datetime.combine(day, time(0), tzinfo=PARIS)
    with uow:
        user = acting_user(uow.session, by)
        query = (
            select(Claim, Lot, Site.name, Subcategory.label_fr, Actor.name)
            .join(Lot, Lot.id == Claim.lot_id)
            .join(Site, Site.id == Lot.site_id)
            .join(Subcategory, Subcategory.id == Lot.subcategory_id)
            .join(Actor, Actor.id == Claim.actor_id)
            .where(visible_lots(user), Claim.status == ClaimStatus.ACTIVE.value)
            .where(Claim.pickup_at >= start, Claim.pickup_at < start + timedelta(days=1))
            .order_by(Claim.pickup_at)
        )
        return [
            Pickup(c.id, lot.id, site, label, actor, c.kg, c.pickup_at or start)
            for c, lot, site, label, actor in uow.session.execute(query)
        ]


def lot_claims(uow: UnitOfWork, *, by: By, lot_id: int) -> list[ClaimLine]:
    """The claims of a lot the user may read, with pickup, received kg and outcomes."""
    with uow:
        user = acting_user(uow.session, by)
        if uow.session.scalar(select(Lot.id).where(Lot.id == lot_id, visible_lots(user))) is None:
            raise NotFound(f"no lot {lot_id}")
        query = (
            select(Claim, Actor.name)
            .join(Actor, Actor.id == Claim.actor_id)
            .where(Claim.lot_id == lot_id)
            .order_by(Claim.claimed_at, Claim.id)
        )
        return [_claim_line(c, name) for c, name in uow.session.execute(query)]


def _claim_line(claim: Claim, actor_name: str) -> ClaimLine:
    reception: Reception | None = claim.reception
    outcomes = {o.outcome_slug: o.kg for o in reception.outcome_lines} if reception else {}
    return ClaimLine(
        claim.id, claim.lot_id, actor_name, claim.kg, claim.item_count, claim.status,
        claim.pickup_at, reception.measured_kg if reception else None,
        reception.received_at if reception else None, outcomes,
    )  # fmt: skip
