"""Use cases of signed webhook deliveries: post, log every attempt, give up and disable.

The remote server is called outside any transaction: a slow receiver never holds a database
lock (on SQLite every transaction takes the write lock).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, func, select

from reuse.domain.errors import NotFound
from reuse.domain.notices import webhook_disabled_notice
from reuse.domain.vocabulary import Role
from reuse.mail import Mailer, compose
from reuse.models import (
    Actor,
    Membership,
    Notification,
    NotificationSettings,
    Offer,
    User,
    WebhookDelivery,
)
from reuse.services.inbox import actor_address, add_once, text_of
from reuse.unit_of_work import UnitOfWork
from reuse.webhooks import WebhookFailed, post_json, signed_headers

Post = Callable[[str, bytes, Mapping[str, str]], int]
WEBHOOK_DISABLED = "webhook_disabled"
OFFER_CREATED = "offer.created"


@dataclass(frozen=True)
class PendingDelivery:
    """What one attempt posts, read before the remote call."""

    notification_id: int
    actor_id: int
    url: str
    secret: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str | None


def deliver_webhook(
    uow: UnitOfWork,
    *,
    notification_id: int,
    attempt: int,
    now: datetime | None = None,
    post: Post = post_json,
) -> bool:
    """POST a notification's signed offer to its actor's webhook and log the attempt.

    True once delivered (or when there is nothing left to deliver); False asks for a retry.
    """
    at = now or datetime.now(UTC)
    with uow:
        pending = _pending_delivery(uow, notification_id)
    if pending is None:
        return True
    answer = post_signed(pending, at, post)
    with uow:
        log_attempt(uow, pending, attempt, answer, at)
        uow.commit()
    return answer.error is None


def record_webhook_given_up(
    uow: UnitOfWork,
    mailer: Mailer,
    *,
    notification_id: int,
    now: datetime | None = None,
    disable_after: int = 5,
) -> bool:
    """Count a delivery whose retries all failed; disable the webhook after too many in a row."""
    at = now or datetime.now(UTC)
    with uow:
        notification = _notification(uow, notification_id)
        settings = uow.session.get(
            NotificationSettings, notification.actor_id or 0, with_for_update=True
        )
        if settings is None or not settings.webhook_enabled:
            return False
        settings.webhook_consecutive_failures += 1
        disabled = settings.webhook_consecutive_failures >= disable_after
        if disabled:
            settings.webhook_enabled = False
            _tell_webhook_disabled(uow, mailer, settings, notification_id, at)
        uow.commit()
        return disabled


def _notification(uow: UnitOfWork, notification_id: int) -> Notification:
    notification = uow.session.get(Notification, notification_id)
    if notification is None:
        raise NotFound(f"no notification {notification_id}")
    return notification


def _pending_delivery(uow: UnitOfWork, notification_id: int) -> PendingDelivery | None:
    notification = _notification(uow, notification_id)
    settings = uow.session.get(NotificationSettings, notification.actor_id or 0)
    offer = uow.session.get(Offer, notification.offer_id or 0)
    succeeded = exists().where(
        WebhookDelivery.notification_id == notification_id, WebhookDelivery.succeeded.is_(True)
    )
    if settings is None or not settings.webhook_enabled or not settings.webhook_url:
        return None
    if offer is None or uow.session.scalar(select(succeeded)):
        return None
    payload = offer_payload(notification, offer)
    return PendingDelivery(
        notification_id, settings.actor_id, settings.webhook_url, settings.webhook_secret, payload
    )


def offer_payload(notification: Notification, offer: Offer) -> dict[str, Any]:
    """The JSON event posted for a new offer."""
    lot = offer.lot
    return {
        "type": OFFER_CREATED,
        "notification_id": notification.id,
        "offer_id": offer.id,
        "lot_id": lot.id,
        "subcategory": lot.subcategory.slug,
        "subcategory_label": lot.subcategory.label_fr,
        "kg": str(lot.remaining_kg),
        "condition": lot.condition,
        "site": lot.site.name,
        "deadline": lot.deadline.isoformat(),
        "distance_km": str(offer.distance_km),
        "reasons": list(offer.reasons),
        "created_at": notification.created_at.isoformat(),
    }


def post_signed(pending: PendingDelivery, at: datetime, post: Post) -> Answer:
    """POST the pending payload signed with the actor's secret; say how the receiver answered."""
    if not pending.secret:
        return Answer(None, "no webhook secret configured")
    body = json.dumps(pending.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = signed_headers(pending.secret, int(at.timestamp()), body)
    try:
        status = post(pending.url, body, headers)
    except WebhookFailed as failure:
        return Answer(failure.status_code, failure.error[:2000])
    return Answer(status, None)


def log_attempt(
    uow: UnitOfWork, pending: PendingDelivery, attempt: int, answer: Answer, at: datetime
) -> None:
    """Keep the attempt in the delivery log; a success resets the run of failures."""
    last = uow.session.scalar(
        select(func.max(WebhookDelivery.attempt)).where(
            WebhookDelivery.notification_id == pending.notification_id
        )
    )
    uow.session.add(
        WebhookDelivery(
            actor_id=pending.actor_id,
            notification_id=pending.notification_id,
            attempt=max(attempt, (last or 0) + 1),  # a replayed task must not collide
            url=pending.url,
            payload=pending.payload,
            status_code=answer.status_code,
            error=answer.error,
            succeeded=answer.error is None,
            at=at,
        )
    )
    settings = uow.session.get(NotificationSettings, pending.actor_id, with_for_update=True)
    if answer.error is None and settings is not None:
        settings.webhook_consecutive_failures = 0


def _tell_webhook_disabled(
    uow: UnitOfWork, mailer: Mailer, settings: NotificationSettings, cause_id: int, at: datetime
) -> None:
    actor = uow.session.get_one(Actor, settings.actor_id)
    failures = settings.webhook_consecutive_failures
    notice = webhook_disabled_notice(actor.name, settings.webhook_url or "", failures)
    key = f"{WEBHOOK_DISABLED}:{actor.id}:{cause_id}"
    notification = add_once(
        uow,
        Notification(
            dedup_key=key,
            kind=WEBHOOK_DISABLED,
            actor_id=actor.id,
            created_at=at,
            **text_of(notice),
        ),
    )
    if notification is None:
        return
    for address in _addresses(uow, actor, settings):
        message = compose(
            to=address,
            subject=notice.subject,
            body=notice.body,
            dedup_key=f"{key}:{address}",
            now=at,
        )
        mailer.send(message)
    notification.emailed_at = at


def _addresses(uow: UnitOfWork, actor: Actor, settings: NotificationSettings) -> list[str]:
    recyclers = select(Membership.user_id).where(
        Membership.role == Role.RECYCLER.value, Membership.actor_id == actor.id
    )
    users = uow.session.scalars(
        select(User.email).where(User.active.is_(True), User.id.in_(recyclers)).order_by(User.id)
    )
    return list(dict.fromkeys(a for a in (actor_address(settings, actor), *users) if a))
