"""What actors and agents are told: in-app notifications, e-mails, signed webhook deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reuse.models.base import Base


class NotificationSettings(Base):
    """How an actor wants to hear about offers."""

    __tablename__ = "notification_settings"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    daily_digest: Mapped[bool] = mapped_column(default=False)
    categories_of_interest: Mapped[list[str]] = mapped_column(default=list)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(100))
    webhook_enabled: Mapped[bool] = mapped_column(default=False)
    webhook_consecutive_failures: Mapped[int] = mapped_column(default=0)


class Notification(Base):
    """One message in someone's in-app list; at most one per offer."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("dedup_key"),
        Index("ix_notification_actor_created", "actor_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offer.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    digest_pending: Mapped[bool] = mapped_column(default=False)


class WebhookDelivery(Base):
    """One attempt to POST a signed event to an actor's webhook, kept as its delivery log."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("notification_id", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"), index=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"))
    attempt: Mapped[int]
    url: Mapped[str] = mapped_column(String(500))
    payload: Mapped[dict[str, Any]]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    succeeded: Mapped[bool]
    at: Mapped[datetime]
