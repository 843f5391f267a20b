"""Reading offers: a recycler's own actor's offers, with why each was sent and the lot offered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, true

from reuse.domain.errors import NotFound
from reuse.domain.vocabulary import Role
from reuse.models import Offer, User
from reuse.services.access import acting_user, is_admin
from reuse.services.lot_queries import LotSummary, summary
from reuse.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class OfferView:
    id: int
    actor_id: int
    wave: int
    rank: int
    distance_km: Decimal
    score: Decimal
    reasons: list[str]
    status: str
    sent_at: datetime
    closed_at: datetime | None
    lot: LotSummary
    description: str
    photos: list[dict[str, Any]]


def visible_offers(user: User) -> ColumnElement[bool]:
    """Which offers a user may read: those made to its own actor (recyclers), every one (admins)."""
    if is_admin(user):
        return true()
    actors = [m.actor_id for m in user.memberships if m.role == Role.RECYCLER and m.actor_id]
    return Offer.actor_id.in_(actors) if actors else false()


def list_offers(
    uow: UnitOfWork, *, by: int, status: str | None = None, page: int = 1, per_page: int = 25
) -> tuple[list[OfferView], int]:
    """One page of the offers the user may read, newest first, and how many there are in all."""
    with uow:
        query = select(Offer).where(visible_offers(acting_user(uow.session, by)))
        if status:
            query = query.where(Offer.status == status)
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = uow.session.scalars(
            query.order_by(Offer.sent_at.desc(), Offer.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return [offer_view(offer) for offer in rows], total


def offer_detail(uow: UnitOfWork, *, by: int, offer_id: int) -> OfferView:
    """One offer the user may read; another actor's offer does not exist for it."""
    with uow:
        user = acting_user(uow.session, by)
        offer = uow.session.scalar(select(Offer).where(Offer.id == offer_id, visible_offers(user)))
        if offer is None:
            raise NotFound(f"no offer {offer_id}")
        return offer_view(offer)


def offer_view(offer: Offer) -> OfferView:
    """An offer with the lot it proposes."""
    lot = offer.lot
    return OfferView(
        offer.id, offer.actor_id, offer.wave, offer.rank, offer.distance_km, offer.score,
        list(offer.reasons), offer.status, offer.sent_at, offer.closed_at, summary(lot),
        lot.description, list(lot.photos),
    )  # fmt: skip
