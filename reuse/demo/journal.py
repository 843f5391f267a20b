"""Writing generated stories: their rows, then a status-log row and a sent outbox row per event."""

from __future__ import annotations

import random
import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from reuse.demo.story import Happening, Line, Story
from reuse.models import OutboxMessage, OutcomeLine, StatusLogEntry


def write(session: Session, stories: list[Story], ids: random.Random) -> None:
    """Insert a batch of stories; their events are history, so they are marked as already sent."""
    for story in stories:
        session.add(story.lot)
        session.add_all([*story.offers, *story.claims, *story.receptions])
    session.flush()
    lines = [_line(line) for story in stories for line in story.lines]
    messages: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for story in stories:
        for happening in story.happenings:
            event_id = str(uuid.UUID(int=ids.getrandbits(128), version=4))
            messages.append(_message(story, happening, event_id))
            if happening.to_status is not None:
                entries.append(_entry(story, happening, event_id))
    connection = session.connection()
    for table, rows in ((OutcomeLine, lines), (OutboxMessage, messages), (StatusLogEntry, entries)):
        if rows:
            connection.execute(insert(table), rows)


def _message(story: Story, happening: Happening, event_id: str) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "name": happening.name,
        "lot_id": story.lot.id,
        "payload": happening.payload(),
        "occurred_at": happening.at,
        "available_at": happening.at,
        "attempts": 0,
        "last_error": None,
        "sent_at": happening.at,
    }


def _entry(story: Story, happening: Happening, event_id: str) -> dict[str, Any]:
    return {
        "lot_id": story.lot.id,
        "at": happening.at,
        "by_user_id": happening.by,
        "from_status": happening.from_status,
        "to_status": happening.to_status,
        "reason": happening.reason,
        "event_id": event_id,
    }


def _line(line: Line) -> dict[str, Any]:
    return {
        "reception_id": line.reception.id,
        "outcome_slug": line.outcome_slug,
        "kg": line.kg,
        "reported_at": line.reported_at,
        "reported_by_id": line.reported_by_id,
        "note": "",
    }
