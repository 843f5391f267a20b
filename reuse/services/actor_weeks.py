"""The kilograms each actor claimed per ISO week, kept against its weekly capacity in one update."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from reuse.models import Actor, ActorWeek


def take_capacity(session: Session, actor_id: int, week: date, kg: Decimal) -> bool:
    """Add `kg` to the actor's week only if its capacity allows it; tell whether it did."""
    _ensure_week(session, actor_id, week)
    capacity = select(Actor.weekly_capacity_kg).where(Actor.id == actor_id).scalar_subquery()
    taken = session.execute(
        update(ActorWeek)
        .where(
            ActorWeek.actor_id == actor_id,
            ActorWeek.week_start == week,
            ActorWeek.claimed_kg + kg <= capacity,
        )
        .values(claimed_kg=ActorWeek.claimed_kg + kg)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], taken).rowcount == 1


def give_back_capacity(session: Session, actor_id: int, week: date, kg: Decimal) -> None:
    """Return `kg` of a released claim to the actor's week."""
    session.execute(
        update(ActorWeek)
        .where(ActorWeek.actor_id == actor_id, ActorWeek.week_start == week)
        .values(claimed_kg=ActorWeek.claimed_kg - kg)
        .execution_options(synchronize_session=False)
    )


def capacity_left(session: Session, actor_id: int, week: date) -> Decimal:
    """Kilograms the actor may still claim in `week`."""
    capacity = session.get_one(Actor, actor_id).weekly_capacity_kg
    claimed = session.scalar(
        select(ActorWeek.claimed_kg).where(
            ActorWeek.actor_id == actor_id, ActorWeek.week_start == week
        )
    )
    return capacity - (claimed or Decimal(0))


def _ensure_week(session: Session, actor_id: int, week: date) -> None:
    """Create the week's row at zero unless it exists (concurrent creators do not collide)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    row = {"actor_id": actor_id, "week_start": week, "claimed_kg": Decimal(0)}
    session.execute(insert(ActorWeek).values(**row).on_conflict_do_nothing())
