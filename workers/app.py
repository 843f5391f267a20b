"""The Celery app factory: at-least-once delivery, JSON only, state in the database."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from celery import Celery, bootsteps
from celery.schedules import crontab
from celery.signals import worker_process_init

from reuse.config import Settings
from reuse.models import OutboxMessage
from reuse.outbox import relay
from reuse.runtime import Runtime
from workers import tasks
from workers.publisher import CeleryPublisher

TASKS_MODULE = tasks.__name__

log = logging.getLogger(__name__)

MAX_TASK_TIME_S = 300
CONNECT_TIMEOUT_S = 2.0
# Redis serves the lower priority numbers of a queue first: matching (0, the default) never
# waits behind the tasks that tell people about it.
LATER = 6
TELLING = (
    "reuse.notify_offers",
    "reuse.notify_unmatched",
    "reuse.deliver_webhook",
    "reuse.send_digests",
    "reuse.remind_pickups",
    "reuse.announce_day_pickups",
)
# How often a worker asks a broker that cannot push (Kombu's SQLAlchemy transport) for work.
BROKER_POLL_S = 0.05


def create_app(settings: Settings, runtime: Runtime | None = None) -> Celery:
    """Build the Celery app for `settings`; each commit relays the events it recorded."""
    app = Celery("reuse", broker=settings.broker_url, set_as_current=False)
    app.conf.update(_configuration(settings))
    app.conf.include = [TASKS_MODULE]
    app.reuse_runtime = runtime or Runtime.start(settings)
    app.reuse_runtime.after_commit = _relay_committed(app)
    worker_process_init.connect(_in_worker_process(app), weak=False)
    if _is_polled(settings):
        app.steps["consumer"].add(PromptPolling)
    return app


def _is_polled(settings: Settings) -> bool:
    return settings.broker_url.startswith("sqla+")


class PromptPolling(bootsteps.StartStopStep):
    """Polls the broker every BROKER_POLL_S instead of Kombu's one second.

    A worker whose pool is busy does not poll; once free it sleeps out the interval before it
    asks again, so one second would cap each worker at about one task a second. Kombu's
    SQLAlchemy transport hands every transport option to `create_engine()`, which refuses
    `polling_interval`: hence this step, which sets it on the consumer's transport.
    """

    requires = ("celery.worker.consumer.connection:Connection",)

    def start(self, consumer: Any) -> None:
        """Shorten the polling interval of the (re)connected consumer's transport."""
        consumer.connection.transport.polling_interval = BROKER_POLL_S


def _configuration(settings: Settings) -> dict[str, Any]:
    # A task must end well before the broker would hand its unacknowledged message to another
    # worker, or the same task would run twice at once.
    time_limit = min(MAX_TASK_TIME_S, settings.visibility_timeout_s // 4)
    return {
        "task_acks_late": True,
        # A lost worker or a task killed at its hard time limit gives its message back; a task
        # failing for good is acknowledged (no poison loop): the beat re-matches its lot.
        "task_reject_on_worker_lost": True,
        "task_acks_on_timeout": False,
        "task_acks_on_failure": True,
        "worker_prefetch_multiplier": 1,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "result_backend": None,
        # No soft limit: interrupting a task inside a database call leaves its pooled
        # connection mid-command ("another command is already in progress") for the next
        # task. At the hard limit the pool process is replaced, connections and all.
        "task_time_limit": time_limit,
        "broker_transport_options": _transport_options(settings),
        "broker_connection_retry_on_startup": True,
        "task_publish_retry": True,
        "task_publish_retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
        "task_default_queue": "reuse",
        "task_routes": {name: {"queue": "reuse", "priority": LATER} for name in TELLING},
        "worker_hijack_root_logger": False,
        "timezone": "Europe/Paris",
        "beat_schedule": _beat_schedule(settings),
    }


def _transport_options(settings: Settings) -> dict[str, Any]:
    # Kombu's SQLAlchemy transport hands its options to create_engine(); Redis takes its own.
    if _is_polled(settings):
        return {"connect_args": {"timeout": settings.sqlite_busy_timeout_ms / 1000}}
    return {
        "visibility_timeout": settings.visibility_timeout_s,
        **_restore_sweep(settings.visibility_timeout_s),
        # A producer (a use case nudging after commit, the beat, the relay) must not wait
        # seconds for a broker that is down: the outbox keeps the event for the sweep. Kombu
        # otherwise retries the first connection for `broker_connection_timeout` (about 6 s).
        # Consumers are unaffected: the worker reconnects with its own retry settings.
        "max_retries": 0,
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
    }


def _restore_sweep(visibility_timeout_s: int) -> dict[str, int]:
    # Kombu hands the unacknowledged messages of a dead worker back to the queue when it scans
    # for them, every interval × throttle seconds (100 s by default): scan about five times per
    # visibility timeout, and never less often than that default.
    # The scan holds a Redis mutex; a worker killed while holding it would block every restore
    # for Kombu's default 300 s, so the mutex expires after one scan period (at least 5 s).
    interval = max(1, min(10, visibility_timeout_s // 5))
    throttle = max(1, min(10, visibility_timeout_s // (5 * interval)))
    return {
        "unacked_restore_interval": interval,
        "unacked_restore_throttle": throttle,
        "unacked_mutex_expire": max(5, interval * throttle),
    }


def _beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    return {
        "relay-outbox": {"task": "reuse.relay_outbox", "schedule": settings.relay_interval_s},
        "advance-waves": {"task": "reuse.advance_waves", "schedule": timedelta(minutes=1)},
        "rematch-stalled-lots": {
            "task": "reuse.rematch_stalled_lots",
            "schedule": min(60, max(1, settings.rematch_after_s // 3)),
        },
        "expire-lots": {"task": "reuse.expire_lots", "schedule": timedelta(minutes=5)},
        "send-digests": {"task": "reuse.send_digests", "schedule": crontab(hour=7, minute=0)},
        # Hourly through the day, so pickups booked during the day for tomorrow are reminded too.
        "remind-pickups": {
            "task": "reuse.remind_pickups",
            "schedule": crontab(hour="8-20", minute=30),
        },
        "announce-day-pickups": {
            "task": "reuse.announce_day_pickups",
            "schedule": crontab(hour=7, minute=0),
        },
    }


def _in_worker_process(app: Celery) -> Any:
    def init(**_: Any) -> None:
        """Give a forked worker its own database connections."""
        app.reuse_runtime.engine.dispose(close=False)

    return init


def _relay_committed(app: Celery) -> Any:
    def relay_committed(committed: Sequence[OutboxMessage]) -> None:
        """Publish the pending events, the ones just committed with them; when the broker is
        down, the periodic sweep publishes them later."""
        # Relaying in the process that committed, rather than nudging a relay task, spares
        # each event a trip through the broker and a worker.
        try:
            relay(app.reuse_runtime.sessions, CeleryPublisher(app))
        except Exception as error:
            log.warning("relay after commit failed (%s); %d events wait", error, len(committed))

    return relay_committed
