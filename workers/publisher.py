"""Turns relayed outbox events into Celery tasks; the event id is the task id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Celery

from reuse.models import OutboxMessage

Route = tuple[str, Callable[[dict[str, Any]], list[Any]]]

ROUTES: dict[str, list[Route]] = {
    "LotDeclared": [("reuse.match_lot", lambda p: [p["lot_id"]])],
    "LotUpdated": [],
    "OffersSent": [("reuse.notify_offers", lambda p: [p["offer_ids"]])],
    "LotUnmatched": [("reuse.notify_unmatched", lambda p: [p["lot_id"]])],
    "WebhookDue": [("reuse.deliver_webhook", lambda p: [p["notification_id"]])],
}


class CeleryPublisher:
    """Publishes each event as the tasks that handle it (nothing for events nobody handles)."""

    def __init__(self, app: Celery) -> None:
        self.app = app

    def publish(self, message: OutboxMessage) -> None:
        """Send the handler tasks of `message`; raises if the broker refuses them."""
        # No publish retry here: the outbox keeps a refused event and retries it with backoff,
        # and a request that relays what it committed must not wait on a broker that is down.
        for task_name, arguments in ROUTES.get(message.name, []):
            self.app.send_task(
                task_name,
                args=arguments(message.payload),
                task_id=f"{message.event_id}:{task_name}",
                retry=False,
            )
