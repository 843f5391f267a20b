"""The Celery app factory: at-least-once delivery, JSON only, state in the database."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

from reuse.config import Settings
from reuse.models import OutboxMessage
from reuse.runtime import Runtime
from workers import tasks

TASKS_MODULE = tasks.__name__

log = logging.getLogger(__name__)

MAX_TASK_TIME_S = 300


def create_app(settings: Settings, runtime: Runtime | None = None) -> Celery:
    """Build the Celery app for `settings`; the runtime's commits nudge the outbox relay."""
    app = Celery("reuse", broker=settings.broker_url, set_as_current=False)
    app.conf.update(_configuration(settings))
    app.conf.include = [TASKS_MODULE]
    app.reuse_runtime = runtime or Runtime.start(settings)
    app.reuse_runtime.after_commit = _nudge(app)
    worker_process_init.connect(_dispose_engine(app), weak=False)
    return app


def _configuration(settings: Settings) -> dict[str, Any]:
    # A task must end well before the broker would hand its unacknowledged message to another
    # worker, or the same task would run twice at once.
    time_limit = min(MAX_TASK_TIME_S, settings.visibility_timeout_s // 4)
    return {
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "result_backend": None,
        "task_time_limit": time_limit,
        "task_soft_time_limit": time_limit * 9 // 10,
        "broker_transport_options": _transport_options(settings),
        "broker_connection_retry_on_startup": True,
        "task_publish_retry": True,
        "task_publish_retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
        "task_default_queue": "reuse",
        "worker_hijack_root_logger": False,
        "timezone": "Europe/Paris",
        "beat_schedule": _beat_schedule(settings),
    }


def _transport_options(settings: Settings) -> dict[str, Any]:
    # Kombu's SQLAlchemy transport hands its options to create_engine(); Redis takes its own.
    if settings.broker_url.startswith("sqla+"):
        return {"connect_args": {"timeout": settings.sqlite_busy_timeout_ms / 1000}}
    return {"visibility_timeout": settings.visibility_timeout_s}


def _beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    return {
        "relay-outbox": {"task": "reuse.relay_outbox", "schedule": settings.relay_interval_s},
        "advance-waves": {"task": "reuse.advance_waves", "schedule": timedelta(minutes=1)},
        "expire-lots": {"task": "reuse.expire_lots", "schedule": timedelta(minutes=5)},
        "send-digests": {"task": "reuse.send_digests", "schedule": crontab(hour=7, minute=0)},
    }


def _nudge(app: Celery) -> Any:
    def nudge(committed: Sequence[OutboxMessage]) -> None:
        """Wake the relay now; if the broker is down, the periodic sweep publishes later."""
        try:
            app.send_task("reuse.relay_outbox", retry=False)
        except Exception as error:
            log.warning(
                "relay nudge failed (%s); %d events wait for the sweep", error, len(committed)
            )

    return nudge


def _dispose_engine(app: Celery) -> Any:
    def dispose(**_: Any) -> None:
        """A forked worker must not share its parent's database connections."""
        app.reuse_runtime.engine.dispose(close=False)

    return dispose
