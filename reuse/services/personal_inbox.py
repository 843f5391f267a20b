"""The caller's own in-app list: its notifications and those of the actors it works for."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_, select

from reuse.domain.errors import NotFound
from reuse.domain.vocabulary import Role
from reuse.models import Notification
from reuse.services.access import Acting, By, acting_user
from reuse.services.inbox import MAX_LISTED, NotificationView
from reuse.unit_of_work import UnitOfWork


def my_notifications(
    uow: UnitOfWork, *, by: By, unread_only: bool = False, limit: int = 50
) -> list[NotificationView]:
    """The newest notifications addressed to the user or to its actors."""
    with uow:
        query = (
            select(Notification)
            .where(_mine(acting_user(uow.session, by)))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(max(1, min(limit, MAX_LISTED)))
        )
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        return [
            NotificationView(
                n.id, n.kind, n.subject, n.body, n.created_at, n.read_at, n.lot_id, n.offer_id
            )
            for n in uow.session.scalars(query)
        ]


def read_notification(
    uow: UnitOfWork, *, by: By, notification_id: int, now: datetime | None = None
) -> None:
    """Mark one of the user's notifications read (reading it again changes nothing)."""
    at = now or datetime.now(UTC)
    with uow:
        query = select(Notification).where(
            Notification.id == notification_id, _mine(acting_user(uow.session, by))
        )
        notification = uow.session.scalar(query)
        if notification is None:
            raise NotFound(f"no notification {notification_id}")
        if notification.read_at is None:
            notification.read_at = at
        uow.commit()


def _mine(user: Acting) -> ColumnElement[bool]:
    actors = [m.actor_id for m in user.memberships if m.role == Role.RECYCLER and m.actor_id]
    return or_(Notification.user_id == user.id, Notification.actor_id.in_(actors))
