"""The actors a worker matches against: static facts indexed in memory, live figures from the database."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reuse.domain.matching import ActorIndex, ActorProfile, LotToMatch, MatchPolicy, index_actors
from reuse.domain.vocabulary import Condition
from reuse.models import Actor, ActorAcceptance, ActorWeek, Claim, Offer, Subcategory

PARIS = ZoneInfo("Europe/Paris")


def week_start(at: datetime) -> date:
    """Monday of the ISO week of `at`, in Europe/Paris (the week capacities are counted in)."""
    day = at.astimezone(PARIS).date()
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Snapshot:
    index: ActorIndex
    actors: dict[str, ActorProfile]
    taken_at: float


class ActorDirectory:
    """Caches the spatial index of active actors for `ttl_s` seconds, per policy."""

    def __init__(self, ttl_s: float = 60.0) -> None:
        self._ttl_s = ttl_s
        self._snapshots: dict[MatchPolicy, Snapshot] = {}
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget the cached index (after an actor changed)."""
        with self._lock:
            self._snapshots.clear()

    def in_reach(
        self, session: Session, lot: LotToMatch, policy: MatchPolicy, now: datetime
    ) -> list[ActorProfile]:
        """Actors whose widened reach may cover the lot, with this week's live figures."""
        snapshot = self._snapshot(session, policy)
        tier = snapshot.index.tier_for(policy.radius_widening, policy)
        ids = snapshot.index.grid.candidates(lot.subcategory, lot.lat, lot.lon, tier)
        found = [snapshot.actors[i] for i in ids if i in snapshot.actors]
        return with_live_figures(session, found, policy, now)

    def _snapshot(self, session: Session, policy: MatchPolicy) -> Snapshot:
        with self._lock:
            current = self._snapshots.get(policy)
            if current is None or time.monotonic() - current.taken_at > self._ttl_s:
                actors = {a.actor_id: a for a in load_profiles(session)}
                current = Snapshot(index_actors(actors.values(), policy), actors, time.monotonic())
                self._snapshots[policy] = current
            return current


def load_profiles(session: Session) -> list[ActorProfile]:
    """Static profiles of every active actor (live figures are zero here)."""
    accepted: dict[int, dict[str, set[Condition]]] = defaultdict(lambda: defaultdict(set))
    rows = session.execute(
        select(ActorAcceptance.actor_id, Subcategory.slug, ActorAcceptance.condition).join(
            Subcategory, Subcategory.id == ActorAcceptance.subcategory_id
        )
    )
    for actor_id, slug, condition in rows:
        accepted[actor_id][slug].add(Condition(condition))
    actors = session.scalars(select(Actor).where(Actor.active.is_(True)))
    return [_profile(actor, accepted[actor.id]) for actor in actors]


def _profile(actor: Actor, accepted: dict[str, set[Condition]]) -> ActorProfile:
    return ActorProfile(
        actor_id=str(actor.id),
        name=actor.name,
        lat=actor.lat,
        lon=actor.lon,
        radius_km=float(actor.radius_km),
        active=actor.active,
        accepted={slug: frozenset(conditions) for slug, conditions in accepted.items()},
        weekly_capacity_kg=actor.weekly_capacity_kg,
        claimed_this_week_kg=Decimal(0),
        collection_weekdays=frozenset(actor.collection_weekdays),
        recent_offers=0,
        no_shows=0,
        completed_pickups=0,
    )


def with_live_figures(
    session: Session, actors: list[ActorProfile], policy: MatchPolicy, now: datetime
) -> list[ActorProfile]:
    """Fill in this week's claimed kg, recent offers and pickup record of `actors`."""
    if not actors:
        return []
    ids = [int(a.actor_id) for a in actors]
    this_week = select(ActorWeek.actor_id, ActorWeek.claimed_kg).where(
        ActorWeek.actor_id.in_(ids), ActorWeek.week_start == week_start(now)
    )
    claimed = {actor_id: kg for actor_id, kg in session.execute(this_week)}
    offers = _counts(session, Offer.actor_id, ids, Offer.sent_at >= now - policy.fairness_window)
    no_shows = _counts(session, Claim.actor_id, ids, Claim.status == "no_show")
    pickups = _counts(session, Claim.actor_id, ids, Claim.status == "received")
    return [
        replace(
            a,
            claimed_this_week_kg=claimed.get(int(a.actor_id), Decimal(0)),
            recent_offers=offers.get(int(a.actor_id), 0),
            no_shows=no_shows.get(int(a.actor_id), 0),
            completed_pickups=pickups.get(int(a.actor_id), 0),
        )
        for a in actors
    ]


def _counts(session: Session, column, ids: list[int], condition) -> dict[int, int]:  # type: ignore[no-untyped-def]
    query = select(column, func.count()).where(column.in_(ids), condition).group_by(column)
    return {actor_id: count for actor_id, count in session.execute(query)}
