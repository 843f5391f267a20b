"""The actors a worker matches against: static facts indexed in memory, live figures from the database.

The index is rebuilt when the directory version changes: every flush that changes an actor or
what it accepts raises it in the same transaction, whatever process makes the change.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, ScalarSelect, Select, event, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, UOWTransaction

from reuse.domain.matching import ActorIndex, ActorProfile, LotToMatch, MatchPolicy, index_actors
from reuse.domain.vocabulary import ClaimStatus, Condition
from reuse.models import (
    Actor,
    ActorAcceptance,
    ActorWeek,
    Claim,
    DirectoryVersion,
    Offer,
    Subcategory,
)

PARIS = ZoneInfo("Europe/Paris")
# Set in the info of a session that writes to a database older than the directory version
# (revision 0010), as tests of migrations do.
BELOW_DIRECTORY_VERSION = "reuse_below_directory_version"
LiveFigures = Row[int, Decimal | None, int, int, int]


def week_start(at: datetime) -> date:
    """Monday of the ISO week of `at`, in Europe/Paris (the week capacities are counted in)."""
    day = at.astimezone(PARIS).date()
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Snapshot:
    index: ActorIndex
    actors: dict[str, ActorProfile]
    version: int | None


class ActorDirectory:
    """Caches the spatial index of active actors per policy until the directory version changes
    (without a version row, it reloads every time rather than miss a change)."""

    def __init__(self) -> None:
        self._snapshots: dict[MatchPolicy, Snapshot] = {}
        self._lock = threading.Lock()

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
        version = session.scalar(select(DirectoryVersion.version))
        with self._lock:
            current = self._snapshots.get(policy)
            if current is None or version is None or current.version != version:
                actors = {a.actor_id: a for a in load_profiles(session)}
                current = Snapshot(index_actors(actors.values(), policy), actors, version)
                self._snapshots[policy] = current
            return current


def _raise_version(session: Session, _flush: UOWTransaction) -> None:
    """After a flush that changed an actor's columns or what an actor accepts, raise the
    directory version (an offer added to an actor's collection changes neither)."""
    if session.info.get(BELOW_DIRECTORY_VERSION):
        return
    directory = (Actor, ActorAcceptance)
    changed = any(isinstance(o, directory) for o in (*session.new, *session.deleted)) or any(
        isinstance(o, directory) and session.is_modified(o, include_collections=False)
        for o in session.dirty
    )
    if changed:
        raising = update(DirectoryVersion).values(version=DirectoryVersion.version + 1)
        session.connection().execute(raising)


def keep_versioned() -> None:
    """Make every session raise the directory version with its actor changes (once per process)."""
    if not event.contains(Session, "after_flush", _raise_version):
        event.listen(Session, "after_flush", _raise_version)


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
    """Fill in this week's claimed kg, recent offers and pickup record of `actors`.

    Actors deactivated (or removed) since the cached index was taken are left out: the
    active flag is read live, so a deactivated actor gets no offer even from a stale cache.
    """
    if not actors:
        return []
    ids = [int(a.actor_id) for a in actors]
    figures = {row.actor_id: row for row in session.execute(_live_figures(ids, policy, now))}
    return [_with(a, figures[int(a.actor_id)]) for a in actors if int(a.actor_id) in figures]


def _live_figures(
    ids: list[int], policy: MatchPolicy, now: datetime
) -> Select[int, Decimal | None, int, int, int]:
    # One round trip on the path from a declaration to its offers: a correlated subquery per
    # figure, each answered by an index on actor_id.
    claimed = (
        select(ActorWeek.claimed_kg)
        .where(ActorWeek.actor_id == Actor.id, ActorWeek.week_start == week_start(now))
        .scalar_subquery()
    )
    recent = Offer.sent_at >= now - policy.fairness_window
    return select(
        Actor.id.label("actor_id"),
        claimed.label("claimed"),
        _count(Offer.actor_id, recent).label("offers"),
        _count(Claim.actor_id, Claim.status == ClaimStatus.NO_SHOW).label("no_shows"),
        _count(Claim.actor_id, Claim.status == ClaimStatus.RECEIVED).label("pickups"),
    ).where(Actor.id.in_(ids), Actor.active)


def _count(
    actor_column: InstrumentedAttribute[int], condition: ColumnElement[bool]
) -> ScalarSelect[int]:
    return select(func.count()).where(actor_column == Actor.id, condition).scalar_subquery()


def _with(actor: ActorProfile, figures: LiveFigures) -> ActorProfile:
    return replace(
        actor,
        claimed_this_week_kg=figures.claimed if figures.claimed is not None else Decimal(0),
        recent_offers=figures.offers,
        no_shows=figures.no_shows,
        completed_pickups=figures.pickups,
    )
