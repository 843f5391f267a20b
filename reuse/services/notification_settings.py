"""What a recycler sets for its actor: how offers are told, its webhook, a test delivery, the log.

The webhook secret is generated here and returned once, when it is made; it is never shown
again (the receiver keeps it to check signatures).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, union

from reuse.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from reuse.models import (
    Actor,
    Category,
    Notification,
    NotificationSettings,
    Subcategory,
    WebhookDelivery,
)
from reuse.services.access import By, acting_user, ensure_acts_for_actor
from reuse.services.webhook_deliveries import PendingDelivery, Post, log_attempt, post_signed
from reuse.unit_of_work import UnitOfWork
from reuse.webhooks import post_json

INSTANT, DIGEST = "instant", "digest"
WEBHOOK_TEST = "webhook_test"
TEST_EVENT = "webhook.test"


@dataclass(frozen=True)
class SettingsView:
    actor_id: int
    mode: str
    categories_of_interest: list[str]
    email: str | None
    webhook_url: str | None
    webhook_enabled: bool
    webhook_consecutive_failures: int
    webhook_secret: str | None = None  # only in the answer that generated it


@dataclass(frozen=True)
class SettingsChange:
    mode: str
    categories_of_interest: list[str] = field(default_factory=list)
    email: str | None = None
    webhook_url: str | None = None
    rotate_secret: bool = False


@dataclass(frozen=True)
class DeliveryView:
    id: int
    notification_id: int
    event: str
    attempt: int
    url: str
    status_code: int | None
    error: str | None
    succeeded: bool
    at: datetime


def notification_settings(uow: UnitOfWork, *, by: By, actor_id: int) -> SettingsView:
    """How an actor hears about offers (defaults when it never said)."""
    with uow:
        return _view(_settings(uow, by, actor_id))


def change_notification_settings(
    uow: UnitOfWork, *, by: By, actor_id: int, change: SettingsChange
) -> SettingsView:
    """Replace an actor's settings; a new webhook gets a new secret, shown in this answer only."""
    with uow:
        settings = _settings(uow, by, actor_id)
        _check_categories(uow, change.categories_of_interest)
        settings.daily_digest = change.mode == DIGEST
        settings.categories_of_interest = list(dict.fromkeys(change.categories_of_interest))
        settings.email = change.email
        secret = _set_webhook(settings, change.webhook_url, change.rotate_secret)
        uow.session.add(settings)
        uow.commit()
        return _view(settings, secret)


def _settings(uow: UnitOfWork, by: By, actor_id: int) -> NotificationSettings:
    ensure_acts_for_actor(acting_user(uow.session, by), actor_id)
    if uow.session.get(Actor, actor_id) is None:
        raise NotFound(f"no actor {actor_id}")
    found = uow.session.get(NotificationSettings, actor_id, with_for_update=True)
    return found or NotificationSettings(
        actor_id=actor_id, daily_digest=False, categories_of_interest=[],
        webhook_enabled=False, webhook_consecutive_failures=0,
    )  # fmt: skip


def _check_categories(uow: UnitOfWork, wanted: list[str]) -> None:
    slugs = union(select(Category.slug), select(Subcategory.slug))
    known = set(uow.session.scalars(select(slugs.subquery().c[0])))
    unknown = sorted(set(wanted) - known)
    if unknown:
        message = f"unknown category or subcategory: {', '.join(unknown)}"
        raise ValidationFailed([FieldError("categories_of_interest", "unknown", message)])


def _set_webhook(settings: NotificationSettings, url: str | None, rotate: bool) -> str | None:
    """Point the webhook at `url` (re-enabled) or remove it; return a newly generated secret."""
    if url is None:
        settings.webhook_url, settings.webhook_secret, settings.webhook_enabled = None, None, False
        return None
    settings.webhook_url, settings.webhook_enabled = url, True
    settings.webhook_consecutive_failures = 0
    if settings.webhook_secret and not rotate:
        return None
    settings.webhook_secret = f"whsec_{secrets.token_urlsafe(32)}"
    return settings.webhook_secret


def _view(settings: NotificationSettings, secret: str | None = None) -> SettingsView:
    return SettingsView(
        settings.actor_id, DIGEST if settings.daily_digest else INSTANT,
        list(settings.categories_of_interest or []), settings.email, settings.webhook_url,
        bool(settings.webhook_enabled), settings.webhook_consecutive_failures or 0, secret,
    )  # fmt: skip


def send_test_delivery(
    uow: UnitOfWork, *, by: By, actor_id: int, now: datetime | None = None, post: Post = post_json
) -> DeliveryView:
    """Post a signed test event to the actor's webhook now, and log it like any delivery."""
    at = now or datetime.now(UTC)
    with uow:
        pending = _test_delivery(uow, by, actor_id, at)
        uow.commit()
    answer = post_signed(pending, at, post)  # outside any transaction: the receiver may be slow
    with uow:
        log_attempt(uow, pending, 1, answer, at)
        uow.commit()
        query = select(WebhookDelivery).where(
            WebhookDelivery.notification_id == pending.notification_id
        )
        return _delivery(uow.session.scalars(query).one())


def _test_delivery(uow: UnitOfWork, by: By, actor_id: int, at: datetime) -> PendingDelivery:
    settings = _settings(uow, by, actor_id)
    if not settings.webhook_url or not settings.webhook_secret:
        raise Conflict("this actor has no webhook URL: set one in its notification settings")
    notification = Notification(
        dedup_key=f"{WEBHOOK_TEST}:{actor_id}:{uuid.uuid4().hex}", kind=WEBHOOK_TEST,
        actor_id=actor_id, subject="Test de votre webhook",
        body=f"Un évènement de test a été envoyé à {settings.webhook_url}.",
        created_at=at, read_at=at,
    )  # fmt: skip
    uow.session.add(notification)
    uow.session.flush()
    payload: dict[str, Any] = {"type": TEST_EVENT, "notification_id": notification.id,
                               "actor_id": actor_id, "created_at": at.isoformat()}  # fmt: skip
    return PendingDelivery(
        notification.id, actor_id, settings.webhook_url, settings.webhook_secret, payload
    )


def webhook_log(
    uow: UnitOfWork, *, by: By, actor_id: int, page: int = 1, per_page: int = 25
) -> tuple[list[DeliveryView], int]:
    """One page of the actor's webhook delivery attempts, newest first, and how many in all."""
    with uow:
        ensure_acts_for_actor(acting_user(uow.session, by), actor_id)
        query = select(WebhookDelivery).where(WebhookDelivery.actor_id == actor_id)
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = uow.session.scalars(
            query.order_by(WebhookDelivery.at.desc(), WebhookDelivery.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return [_delivery(d) for d in rows], total


def _delivery(d: WebhookDelivery) -> DeliveryView:
    event = str(d.payload.get("type", ""))
    return DeliveryView(
        d.id, d.notification_id, event, d.attempt, d.url, d.status_code, d.error, d.succeeded, d.at
    )
