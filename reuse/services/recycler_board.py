"""What a recycler's pages read besides single offers and claims: its actor, the offers board
with where each lot is, what an offer still allows, the claims to follow up and vocabularies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from reuse.domain.errors import NotFound
from reuse.domain.vocabulary import ClaimStatus, OfferStatus, Role
from reuse.models import Actor, Category, Claim, Lot, Offer, Outcome, OutcomeLine, Reception
from reuse.services.access import Acting, By, acting_user
from reuse.services.actor_directory import week_start
from reuse.services.actor_weeks import capacity_left
from reuse.services.claim_queries import ClaimView, ReceptionView, claim_detail, claim_view
from reuse.services.claim_queries import reception_detail as reception_of
from reuse.services.claims import CLAIMABLE_LOTS, CLAIMABLE_OFFERS
from reuse.services.offer_queries import OfferView, offer_view, visible_offers
from reuse.unit_of_work import UnitOfWork

OUTCOME_GROUPS = ("reuse", "recycling", "energy_recovery", "disposal")


@dataclass(frozen=True)
class ActorCard:
    id: int
    slug: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class BoardOffer:
    offer: OfferView
    site_lat: float
    site_lon: float


@dataclass(frozen=True)
class OfferStanding:
    is_claimable: bool
    capacity_left_kg: Decimal


@dataclass(frozen=True)
class FollowUps:
    unbooked: list[ClaimView]
    to_report: list[ClaimView]


@dataclass(frozen=True)
class ClaimFile:
    claim: ClaimView
    available_from: datetime
    opening_weekdays: list[int]
    reception: ReceptionView | None


def my_actors(uow: UnitOfWork, *, by: By) -> list[ActorCard]:
    """The actors a recycler works for, by name (at least one, else NotFound)."""
    with uow:
        ids = _actor_ids(acting_user(uow.session, by))
        if not ids:
            raise NotFound("this account works for no reuse actor")
        actors = uow.session.scalars(select(Actor).where(Actor.id.in_(ids)).order_by(Actor.name))
        return [ActorCard(a.id, a.slug, a.name, a.lat, a.lon) for a in actors]


def offers_board(uow: UnitOfWork, *, by: By, now: datetime) -> list[BoardOffer]:
    """The offers made to me that can still be claimed, closest first, with where the lot is."""
    with uow:
        query = (
            select(Offer)
            .join(Lot, Lot.id == Offer.lot_id)
            .where(visible_offers(acting_user(uow.session, by)))
            .where(Offer.status.in_([s.value for s in CLAIMABLE_OFFERS]))
            .where(Lot.status.in_(CLAIMABLE_LOTS), Lot.remaining_kg > 0, Lot.deadline > now)
            .order_by(Offer.distance_km, Lot.deadline, Offer.id)
        )
        return [
            BoardOffer(offer_view(offer), offer.lot.site.lat, offer.lot.site.lon)
            for offer in uow.session.scalars(query)
        ]


def offer_standing(uow: UnitOfWork, *, by: By, offer_id: int, now: datetime) -> OfferStanding:
    """Whether an offer made to me can still be claimed, and my actor's capacity left this week."""
    with uow:
        user = acting_user(uow.session, by)
        offer = uow.session.scalar(select(Offer).where(Offer.id == offer_id, visible_offers(user)))
        if offer is None:
            raise NotFound(f"no offer {offer_id}")
        lot = offer.lot
        claimable = (
            OfferStatus(offer.status) in CLAIMABLE_OFFERS
            and lot.status in CLAIMABLE_LOTS and lot.remaining_kg > 0 and now < lot.deadline
        )  # fmt: skip
        return OfferStanding(claimable, capacity_left(uow.session, offer.actor_id, week_start(now)))


def follow_ups(uow: UnitOfWork, *, by: By) -> FollowUps:
    """My active claims with no pickup booked yet, and my receptions with no outcome reported."""
    with uow:
        mine = Claim.actor_id.in_(_actor_ids(acting_user(uow.session, by)))
        unbooked = (
            select(Claim)
            .join(Lot, Lot.id == Claim.lot_id)
            .where(mine, Claim.status == ClaimStatus.ACTIVE.value, Claim.pickup_at.is_(None))
            .order_by(Lot.deadline, Claim.id)
        )
        to_report = (
            select(Claim)
            .join(Reception, Reception.claim_id == Claim.id)
            .where(mine, Reception.id.not_in(select(OutcomeLine.reception_id)))
            .order_by(Reception.received_at, Claim.id)
        )
        return FollowUps(
            [claim_view(c) for c in uow.session.scalars(unbooked)],
            [claim_view(c) for c in uow.session.scalars(to_report)],
        )


def claim_file(uow: UnitOfWork, *, by: By, claim_id: int) -> ClaimFile:
    """One claim I may read, with when its site is open and, once weighed, its reception."""
    claim = claim_detail(uow, by=by, claim_id=claim_id)
    with uow:
        lot = uow.session.get_one(Lot, claim.lot_id)
        available_from, opening = lot.available_from, list(lot.site.opening_weekdays)
    reception = (
        reception_of(uow, by=by, reception_id=claim.reception_id) if claim.reception_id else None
    )
    return ClaimFile(claim, available_from, opening, reception)


def outcome_choices(uow: UnitOfWork) -> list[tuple[str, str]]:
    """The outcome vocabulary (slug, French label), reuse first, then recycling and disposal."""
    with uow:
        outcomes = uow.session.scalars(select(Outcome).order_by(Outcome.slug))
        ranked = sorted(outcomes, key=lambda o: _group_rank(o.group))
        return [(o.slug, o.label_fr) for o in ranked]


def category_choices(uow: UnitOfWork) -> list[tuple[str, str]]:
    """The object categories (slug, French label) a recycler may say it is interested in."""
    with uow:
        query = select(Category.slug, Category.label_fr).order_by(Category.label_fr)
        return [(slug, label) for slug, label in uow.session.execute(query)]


def _group_rank(group: str) -> int:
    return OUTCOME_GROUPS.index(group) if group in OUTCOME_GROUPS else len(OUTCOME_GROUPS)


def _actor_ids(user: Acting) -> list[int]:
    return sorted(m.actor_id for m in user.memberships if m.role == Role.RECYCLER and m.actor_id)
