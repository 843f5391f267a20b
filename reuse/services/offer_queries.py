"""Reading offers: a recycler's own actor's offers, with why each was sent and the lot offered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, select, true
from sqlalchemy.orm import joinedload

from reuse.domain.errors import NotFound
from reuse.domain.vocabulary import Role
from reuse.models import Lot, Offer
from reuse.services.access import Acting, By, acting_user, is_admin
from reuse.services.lot_queries import (
    SUMMARY_COLUMNS,
    WITH_PLACE,
    LotSummary,
    summary,
    with_summary,
)
from reuse.unit_of_work import UnitOfWork

# An offer's lot with what its summary shows, loaded with the offers.
WITH_LOT = (joinedload(Offer.lot).options(*WITH_PLACE),)
# The columns of an offer, in OfferView's order (lists read them, not whole offers).
OFFER_COLUMNS = (
    Offer.id, Offer.actor_id, Offer.wave, Offer.rank, Offer.distance_km, Offer.score,
    Offer.reasons, Offer.status, Offer.sent_at, Offer.closed_at,
)  # fmt: skip


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


def visible_offers(user: Acting) -> ColumnElement[bool]:
    """Which offers a user may read: those made to its own actor (recyclers), every one (admins)."""
    if is_admin(user):
        return true()
    actors = [m.actor_id for m in user.memberships if m.role == Role.RECYCLER and m.actor_id]
    return Offer.actor_id.in_(actors) if actors else false()


def list_offers(
    uow: UnitOfWork, *, by: By, status: str | None = None, page: int = 1, per_page: int = 25
) -> tuple[list[OfferView], int]:
    """One page of the offers the user may read, newest first, and how many there are in all."""
    with uow:
        user = acting_user(uow.session, by)
        rule = (
            visible_offers(user)
            if not status
            else and_(visible_offers(user), Offer.status == status)
        )
        total = uow.session.scalar(select(func.count(Offer.id)).where(rule)) or 0
        columns = (*OFFER_COLUMNS, Lot.description, Lot.photos, *SUMMARY_COLUMNS)
        query = with_summary(select(*columns).join(Lot, Lot.id == Offer.lot_id)).where(rule)
        rows = uow.session.execute(
            query.order_by(Offer.sent_at.desc(), Offer.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        width = len(OFFER_COLUMNS)
        return [
            _view(row[:width], LotSummary(*row[width + 2 :]), *row[width : width + 2])
            for row in rows
        ], total


def offer_detail(uow: UnitOfWork, *, by: By, offer_id: int) -> OfferView:
    """One offer the user may read; another actor's offer does not exist for it."""
    with uow:
        user = acting_user(uow.session, by)
        visible = select(Offer).where(Offer.id == offer_id, visible_offers(user))
        offer = uow.session.scalar(visible.options(*WITH_LOT))
        if offer is None:
            raise NotFound(f"no offer {offer_id}")
        return offer_view(offer)


def offer_view(offer: Offer) -> OfferView:
    """An offer with the lot it proposes."""
    values = [getattr(offer, column.key) for column in OFFER_COLUMNS]
    return _view(values, summary(offer.lot), offer.lot.description, offer.lot.photos)


def _view(
    offer: Sequence[Any], lot: LotSummary, description: str, photos: list[dict[str, Any]]
) -> OfferView:
    """An OfferView from an offer's OFFER_COLUMNS values and its lot's."""
    offer_id, actor_id, wave, rank, distance_km, score, reasons, status, sent_at, closed_at = offer
    return OfferView(offer_id, actor_id, wave, rank, distance_km, score, list(reasons), status,
                     sent_at, closed_at, lot, description, list(photos))  # fmt: skip
