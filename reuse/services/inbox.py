"""The in-app notification rows: inserted once per dedup key, e-mailed, listed, marked read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.exc import IntegrityError

from reuse.domain.errors import FieldError, NotFound, ValidationFailed
from reuse.domain.notices import LotFacts, Notice
from reuse.mail import Mailer, compose
from reuse.models import Actor, Lot, Notification, NotificationSettings
from reuse.unit_of_work import UnitOfWork

MAX_LISTED = 200


@dataclass(frozen=True)
class NotificationView:
    """One line of the in-app list."""

    id: int
    kind: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None
    lot_id: int | None
    offer_id: int | None

    @property
    def is_read(self) -> bool:
        """Tell whether the notification has been read."""
        return self.read_at is not None


def list_notifications(
    uow: UnitOfWork,
    *,
    actor_id: int | None = None,
    user_id: int | None = None,
    unread_only: bool = False,
    limit: int = 50,
) -> list[NotificationView]:
    """The newest notifications of an actor and/or a user, for the in-app list."""
    with uow:
        query = (
            select(Notification)
            .where(_owned_by(actor_id, user_id))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(max(1, min(limit, MAX_LISTED)))
        )
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        return [_view(n) for n in uow.session.scalars(query)]


def mark_read(
    uow: UnitOfWork,
    *,
    notification_id: int,
    actor_id: int | None = None,
    user_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Mark one of the caller's notifications read (reading it again changes nothing)."""
    at = now or datetime.now(UTC)
    with uow:
        query = select(Notification).where(
            Notification.id == notification_id, _owned_by(actor_id, user_id)
        )
        notification = uow.session.scalar(query)
        if notification is None:
            raise NotFound(f"no notification {notification_id}")
        if notification.read_at is None:
            notification.read_at = at
        uow.commit()


def lot_facts(lot: Lot) -> LotFacts:
    """What the messages say about a lot."""
    sub = lot.subcategory
    return LotFacts(
        lot_id=lot.id,
        subcategory_label=sub.label_fr,
        category_label=sub.category.label_fr,
        kg=lot.remaining_kg,
        site_name=lot.site.name,
        commune_name=lot.site.commune.name,
        deadline=lot.deadline,
        description=lot.description,
        rep_filiere=sub.rep_filiere,
    )


def add_once(uow: UnitOfWork, notification: Notification) -> Notification | None:
    """Insert a notification unless its dedup key exists (a concurrent insert counts as done)."""
    taken = exists().where(Notification.dedup_key == notification.dedup_key)
    if uow.session.scalar(select(taken)):
        return None
    try:
        with uow.session.begin_nested():
            uow.session.add(notification)
    except IntegrityError:
        return None
    return notification


def email(mailer: Mailer, to: str, notification: Notification, at: datetime) -> None:
    """Send a notification by e-mail now and remember when."""
    message = compose(
        to=to,
        subject=notification.subject,
        body=notification.body,
        dedup_key=notification.dedup_key,
        now=at,
    )
    mailer.send(message)
    notification.emailed_at = at


def actor_address(settings: NotificationSettings | None, actor: Actor) -> str | None:
    """Where an actor's e-mails go: its notification address, else its contact address."""
    return (settings.email if settings else None) or actor.contact_email


def text_of(notice: Notice) -> dict[str, str]:
    """A notice as Notification columns (the subject cut to its column's size)."""
    return {"subject": notice.subject[:300], "body": notice.body}


def _owned_by(actor_id: int | None, user_id: int | None) -> ColumnElement[bool]:
    owners: list[ColumnElement[bool]] = []
    if actor_id is not None:
        owners.append(Notification.actor_id == actor_id)
    if user_id is not None:
        owners.append(Notification.user_id == user_id)
    if not owners:
        raise ValidationFailed([FieldError("actor_id", "required", "say whose notifications")])
    return or_(*owners)


def _view(n: Notification) -> NotificationView:
    return NotificationView(
        n.id, n.kind, n.subject, n.body, n.created_at, n.read_at, n.lot_id, n.offer_id
    )
