"""Use cases that tell actors and agents: in-app notifications, e-mails, digests, webhooks.

Each notification has a unique dedup key, so a replayed task creates nothing twice; an
e-mail is sent inside the transaction that records it, so a failed commit means a retry
that sends it again with the same Message-ID (at least once, and recognisably so).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import groupby

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from reuse.domain.errors import NotFound
from reuse.domain.events import WebhookDue
from reuse.domain.notices import Notice, digest_notice, offer_notice, unmatched_notice
from reuse.domain.vocabulary import Role
from reuse.mail import Mailer, compose
from reuse.models import (
    Actor,
    Lot,
    Membership,
    Notification,
    NotificationSettings,
    Offer,
    Site,
    Subcategory,
    User,
)
from reuse.services.inbox import (
    NotificationView,
    actor_address,
    add_once,
    email,
    list_notifications,
    lot_facts,
    mark_read,
    text_of,
)
from reuse.services.webhook_deliveries import deliver_webhook, record_webhook_given_up
from reuse.unit_of_work import UnitOfWork

__all__ = [
    "NotificationView",
    "agents_of_site",
    "deliver_webhook",
    "list_notifications",
    "mark_read",
    "notify_offers",
    "notify_unmatched",
    "record_webhook_given_up",
    "send_digests",
]

OFFER = "offer"
UNMATCHED = "unmatched"


def notify_offers(
    uow: UnitOfWork, mailer: Mailer, *, offer_ids: Sequence[int], now: datetime | None = None
) -> int:
    """Tell each offer's actor once (in-app, e-mail or digest, webhook); return how many were new."""
    at = now or datetime.now(UTC)
    with uow:
        # A few round trips per batch, not per offer: on a busy database each one costs more
        # than the work it carries, and this task shares the workers with matching.
        offers = uow.session.scalars(_offers_to_tell(offer_ids)).unique().all()
        settings = _settings_of(uow, {offer.actor_id for offer in offers})
        wanted = [o for o in offers if _is_interested(settings.get(o.actor_id), o.lot.subcategory)]
        new = _add_new(uow, [_offer_notification(offer, at) for offer in wanted])
        for offer in wanted:
            if offer.id in new:
                _tell_about_offer(
                    uow, mailer, offer, new[offer.id], settings.get(offer.actor_id), at
                )
        uow.commit()
        return len(new)


def notify_unmatched(
    uow: UnitOfWork, mailer: Mailer, *, lot_id: int, now: datetime | None = None
) -> int:
    """Tell the agents of the lot's territory that no reuse actor can take it; return how many."""
    at = now or datetime.now(UTC)
    with uow:
        lot = uow.session.get(Lot, lot_id)
        if lot is None:
            raise NotFound(f"no lot {lot_id}")
        notice = unmatched_notice(lot_facts(lot))
        created = sum(
            _notify_agent(uow, mailer, lot, agent, notice, at)
            for agent in agents_of_site(uow, lot.site)
        )
        uow.commit()
        return created


def send_digests(uow: UnitOfWork, mailer: Mailer, *, now: datetime | None = None) -> int:
    """Send one e-mail per actor listing its pending notifications; return how many were sent."""
    at = now or datetime.now(UTC)
    with uow:
        pending = uow.session.scalars(
            select(Notification)
            .where(Notification.digest_pending.is_(True), Notification.actor_id.is_not(None))
            .order_by(Notification.actor_id, Notification.id)
            .with_for_update()
        ).all()
        sent = 0
        for actor_id, group in groupby(pending, key=lambda n: n.actor_id):
            sent += _send_digest(uow, mailer, actor_id or 0, list(group), at)
        uow.commit()
        return sent


def _offers_to_tell(offer_ids: Sequence[int]) -> Select[Offer]:
    lot = joinedload(Offer.lot)
    return (
        select(Offer)
        .where(Offer.id.in_(offer_ids))
        .options(
            joinedload(Offer.actor),
            lot.joinedload(Lot.subcategory).joinedload(Subcategory.category),
            lot.joinedload(Lot.site).joinedload(Site.commune),
        )
        .order_by(Offer.id)
    )


def _settings_of(uow: UnitOfWork, actor_ids: set[int]) -> dict[int, NotificationSettings]:
    query = select(NotificationSettings).where(NotificationSettings.actor_id.in_(actor_ids))
    return {found.actor_id: found for found in uow.session.scalars(query)}


def _offer_notification(offer: Offer, at: datetime) -> Notification:
    notice = offer_notice(lot_facts(offer.lot), offer.distance_km, offer.reasons)
    return Notification(
        dedup_key=f"offer:{offer.id}",
        kind=OFFER,
        actor_id=offer.actor_id,
        offer_id=offer.id,
        lot_id=offer.lot_id,
        created_at=at,
        **text_of(notice),
    )


def _add_new(uow: UnitOfWork, notifications: list[Notification]) -> dict[int, Notification]:
    """Insert, in one statement, the notifications of one event's offers not inserted yet."""
    keys = [n.dedup_key for n in notifications]
    known = select(Notification.dedup_key).where(Notification.dedup_key.in_(keys))
    taken = set(uow.session.scalars(known))
    fresh = [n for n in notifications if n.dedup_key not in taken]
    try:
        with uow.session.begin_nested():
            uow.session.add_all(fresh)
    except IntegrityError:
        # Only a replay of the same event has these offers: it committed them first.
        return {}
    return {n.offer_id or 0: n for n in fresh}


def _tell_about_offer(
    uow: UnitOfWork,
    mailer: Mailer,
    offer: Offer,
    notification: Notification,
    settings: NotificationSettings | None,
    at: datetime,
) -> None:
    _tell_actor(mailer, notification, settings, actor_address(settings, offer.actor), at)
    if settings is not None and settings.webhook_enabled and settings.webhook_url:
        uow.record(WebhookDue(offer.lot_id, notification.id), at)


def _is_interested(settings: NotificationSettings | None, sub: Subcategory) -> bool:
    if settings is None or not settings.categories_of_interest:
        return True
    wanted = set(settings.categories_of_interest)
    return sub.slug in wanted or sub.category.slug in wanted


def _tell_actor(
    mailer: Mailer,
    notification: Notification,
    settings: NotificationSettings | None,
    address: str | None,
    at: datetime,
) -> None:
    if address is None:
        return
    if settings is not None and settings.daily_digest:
        notification.digest_pending = True
    else:
        email(mailer, address, notification, at)


def agents_of_site(uow: UnitOfWork, site: Site) -> Sequence[User]:
    """The active agents who cover `site` (their whole territory, or that site)."""
    covering = select(Membership.user_id).where(
        Membership.role == Role.AGENT.value,
        Membership.territory_id == site.territory_id,
        or_(Membership.site_id.is_(None), Membership.site_id == site.id),
    )
    query = select(User).where(User.active.is_(True), User.id.in_(covering)).order_by(User.id)
    return uow.session.scalars(query).all()


def _notify_agent(
    uow: UnitOfWork, mailer: Mailer, lot: Lot, agent: User, notice: Notice, at: datetime
) -> int:
    notification = add_once(
        uow,
        Notification(
            dedup_key=f"unmatched:{lot.id}:{agent.id}",
            kind=UNMATCHED,
            user_id=agent.id,
            lot_id=lot.id,
            created_at=at,
            **text_of(notice),
        ),
    )
    if notification is None:
        return 0
    email(mailer, agent.email, notification, at)
    return 1


def _send_digest(
    uow: UnitOfWork, mailer: Mailer, actor_id: int, items: list[Notification], at: datetime
) -> int:
    for item in items:
        item.digest_pending = False
    actor = uow.session.get_one(Actor, actor_id)
    address = actor_address(uow.session.get(NotificationSettings, actor_id), actor)
    if address is None:
        return 0
    notice = digest_notice(actor.name, [item.subject for item in items], at)
    key = f"digest:{actor_id}:{items[0].id}-{items[-1].id}"
    mailer.send(
        compose(to=address, subject=notice.subject, body=notice.body, dedup_key=key, now=at)
    )
    for item in items:
        item.emailed_at = at
    return 1
