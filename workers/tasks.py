"""Thin tasks: ids in, one reuse service call, one shared retry policy for transient errors."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import Any

import kombu.exceptions
import sqlalchemy.exc
from celery import Task, shared_task

from reuse.outbox import backoff, relay
from reuse.runtime import Runtime
from reuse.services import matching, notifications, pickup_reminders
from reuse.services.lots import expire_lot, lots_past_deadline
from workers.publisher import CeleryPublisher

TRANSIENT = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    kombu.exceptions.OperationalError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPException,
)
RETRY: dict[str, Any] = {
    "bind": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 8,
}
WEBHOOK_ATTEMPTS = 6


def runtime(task: Task) -> Runtime:
    """The runtime of the app running `task`."""
    found: Runtime = task.app.reuse_runtime
    return found


@shared_task(name="reuse.relay_outbox", **RETRY)
def relay_outbox(self: Task) -> int:
    """Publish the outbox events left pending (the periodic sweep behind each commit's relay)."""
    return relay(runtime(self).sessions, CeleryPublisher(self.app)).published


@shared_task(name="reuse.match_lot", **RETRY)
def match_lot(self: Task, lot_id: int) -> None:
    """First wave of offers for a declared lot."""
    matching.match_lot(runtime(self).uow(), runtime(self).directory, lot_id=lot_id)


@shared_task(name="reuse.rematch_stalled_lots", **RETRY)
def rematch_stalled_lots(self: Task) -> int:
    """Match again the lots left `declared` (safety net for lost match tasks; replays are no-ops)."""
    # A declared lot's match task runs within seconds; one still unmatched `rematch_after_s`
    # after its declaration lost its task, whatever the cause (e.g. a worker killed between
    # taking the message from Redis and recording it as unacknowledged).
    platform = runtime(self)
    stalled = matching.lots_left_declared(
        platform.uow(), older_than=timedelta(seconds=platform.settings.rematch_after_s)
    )
    for lot_id in stalled:
        self.app.send_task("reuse.match_lot", args=[lot_id])
    return len(stalled)


@shared_task(name="reuse.advance_waves", **RETRY)
def advance_waves(self: Task) -> int:
    """Fan out the lots whose hold window is over."""
    due = matching.lots_due_for_a_wave(runtime(self).uow())
    for lot_id in due:
        self.app.send_task("reuse.advance_wave", args=[lot_id])
    return len(due)


@shared_task(name="reuse.advance_wave", **RETRY)
def advance_wave(self: Task, lot_id: int) -> None:
    """Next, wider wave of offers for one lot."""
    matching.advance_wave(runtime(self).uow(), runtime(self).directory, lot_id=lot_id)


@shared_task(name="reuse.expire_lots", **RETRY)
def expire_lots(self: Task) -> int:
    """Fan out the lots whose deadline has passed."""
    due = lots_past_deadline(runtime(self).uow())
    for lot_id in due:
        self.app.send_task("reuse.expire_lot", args=[lot_id])
    return len(due)


@shared_task(name="reuse.expire_lot", **RETRY)
def expire_one_lot(self: Task, lot_id: int) -> None:
    """Expire one lot past its deadline and withdraw its open offers."""
    expire_lot(runtime(self).uow(), lot_id=lot_id)


@shared_task(name="reuse.notify_offers", **RETRY)
def notify_offers(self: Task, offer_ids: list[int]) -> int:
    """Tell actors about their new offers (in-app, e-mail or digest, webhook)."""
    rt = runtime(self)
    return notifications.notify_offers(rt.uow(), rt.mailer, offer_ids=offer_ids)


@shared_task(name="reuse.notify_unmatched", **RETRY)
def notify_unmatched(self: Task, lot_id: int) -> int:
    """Tell the territory's agents that nobody can take a lot."""
    rt = runtime(self)
    return notifications.notify_unmatched(rt.uow(), rt.mailer, lot_id=lot_id)


@shared_task(name="reuse.send_digests", **RETRY)
def send_digests(self: Task) -> int:
    """Daily digest e-mails for actors who asked for them."""
    rt = runtime(self)
    return notifications.send_digests(rt.uow(), rt.mailer)


@shared_task(name="reuse.deliver_webhook", bind=True, max_retries=WEBHOOK_ATTEMPTS - 1)
def deliver_webhook(self: Task, notification_id: int) -> bool:
    """POST a signed offer to the actor's webhook, retrying with backoff, then giving up."""
    rt = runtime(self)
    attempt = self.request.retries + 1
    delivered = notifications.deliver_webhook(
        rt.uow(), notification_id=notification_id, attempt=attempt, post=rt.webhook_post
    )
    if delivered:
        return True
    if attempt >= WEBHOOK_ATTEMPTS:
        notifications.record_webhook_given_up(rt.uow(), rt.mailer, notification_id=notification_id)
        return False
    raise self.retry(countdown=backoff(attempt).total_seconds())


@shared_task(name="reuse.remind_pickups", **RETRY)
def remind_pickups(self: Task) -> int:
    """Remind actors of the pickups they booked for tomorrow."""
    rt = runtime(self)
    return pickup_reminders.remind_pickups(rt.uow(), rt.mailer)


@shared_task(name="reuse.announce_day_pickups", **RETRY)
def announce_day_pickups(self: Task) -> int:
    """Tell the sites' agents who comes when today."""
    rt = runtime(self)
    return pickup_reminders.announce_day_pickups(rt.uow(), rt.mailer)
