"""Twelve months of deterministic generated history for the demo territory."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from math import ceil

from sqlalchemy import select
from sqlalchemy.orm import Session

from reuse.demo.calendar import months_before
from reuse.demo.drafts import Declaration, draw_month
from reuse.demo.journal import write
from reuse.demo.lots import tell
from reuse.demo.story import Story
from reuse.demo.world import DemoWorld, Ledger
from reuse.models import ActorWeek

SEED = 20260101
MAX_REPLANS = 6


@dataclass(frozen=True)
class HistoryCounts:
    lots: int
    claims: int
    receptions: int


def generate_history(session: Session, world: DemoWorld, now: datetime) -> HistoryCounts:
    """Generate the 12 months before `now`'s month; every story ends before that month starts."""
    rng, ids = random.Random(SEED), random.Random(SEED + 1)
    months = months_before(now)
    ledger = _ledger(session, world)
    lots = claims = receptions = 0
    for month in months:
        stories = [
            _fitting_story(d, world, ledger, months[-1].end) for d in draw_month(rng, world, month)
        ]
        write(session, stories, ids)
        lots += len(stories)
        claims += sum(len(s.claims) for s in stories)
        receptions += sum(len(s.receptions) for s in stories)
    _write_actor_weeks(session, ledger, world)
    return HistoryCounts(lots, claims, receptions)


def _fitting_story(
    declaration: Declaration, world: DemoWorld, ledger: Ledger, end: datetime
) -> Story:
    """Tell the lot's story, moving it back by whole weeks (same weekdays) until it ends in time."""
    weeks = 0
    for _ in range(MAX_REPLANS):
        story = tell(declaration, world, ledger, weeks)
        if story.ends_at < end:
            story.settle()
            _record(ledger, story)
            return story
        weeks += ceil((story.ends_at - end) / timedelta(weeks=1))
    raise RuntimeError(f"lot story still ends after {end.isoformat()} after {weeks} weeks back")


def _record(ledger: Ledger, story: Story) -> None:
    ledger.record(
        claims=[(c.actor_id, c.week_start, c.kg) for c in story.claims],
        offers=[(o.actor_id, o.sent_at) for o in story.offers],
        pickups=[(r.claim.actor_id, r.received_at) for r in story.receptions],
    )


def _ledger(session: Session, world: DemoWorld) -> Ledger:
    """Start from the kg the demo actors have already claimed, so capacity holds overall."""
    ledger = Ledger()
    weeks = session.scalars(select(ActorWeek).where(ActorWeek.actor_id.in_(world.actors)))
    for week in weeks:
        ledger.claimed[(week.actor_id, week.week_start)] = week.claimed_kg
    return ledger


def _write_actor_weeks(session: Session, ledger: Ledger, world: DemoWorld) -> None:
    existing = {
        (w.actor_id, w.week_start): w
        for w in session.scalars(select(ActorWeek).where(ActorWeek.actor_id.in_(world.actors)))
    }
    for key, kilograms in ledger.claimed.items():
        if key in existing:
            existing[key].claimed_kg = kilograms
        elif kilograms > Decimal(0):
            session.add(ActorWeek(actor_id=key[0], week_start=key[1], claimed_kg=kilograms))
    session.flush()
