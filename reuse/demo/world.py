"""What the history generator knows of the demo: places, actors, taxonomy, users, and a ledger."""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from reuse.domain.geo import great_circle_km
from reuse.domain.matching import ActorProfile, MatchPolicy
from reuse.domain.vocabulary import Condition
from reuse.models import Actor, Site, Subcategory
from reuse.refdata import catalog


@dataclass(frozen=True)
class DemoWorld:
    """The seeded rows the generated lots refer to."""

    sites: tuple[Site, ...]
    actors: dict[int, Actor]
    accepted: dict[int, dict[str, frozenset[Condition]]]
    subcategories: dict[str, Subcategory]
    category_of: dict[int, str]
    agent_id: int
    site_agent_id: int
    site_agent_site_id: int
    recyclers: dict[int, int]
    policy: MatchPolicy
    reach: dict[int, list[Actor]]

    def reachable(self, site: Site) -> list[Actor]:
        """Actors whose widest reach could include `site` (a cheap prefilter)."""
        return self.reach[site.id]

    def declarer(self, site: Site) -> int:
        """The demo agent who declares lots at `site`."""
        return self.site_agent_id if site.id == self.site_agent_site_id else self.agent_id


def reach_of(sites: list[Site], actors: list[Actor], policy: MatchPolicy) -> dict[int, list[Actor]]:
    """For each site, the actors whose widest reach could include it."""
    widest = policy.radius_widening / policy.detour_factor
    return {
        site.id: [
            actor
            for actor in actors
            if great_circle_km(site.lat, site.lon, actor.lat, actor.lon)
            <= float(actor.radius_km) * widest
        ]
        for site in sites
    }


def accepted_by_actor(actors: list[Actor]) -> dict[int, dict[str, frozenset[Condition]]]:
    """What each actor accepts, by subcategory slug, from the catalog it was seeded from."""
    rows = {row.slug: dict(row.accepted) for row in catalog.actors()}
    return {actor.id: rows.get(actor.slug, {}) for actor in actors}


@dataclass
class Ledger:
    """Running figures per actor: kg claimed per week, offers received, pickups done."""

    claimed: dict[tuple[int, date], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    offers: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    pickups: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))

    def headroom(self, actor: Actor, week: date) -> Decimal:
        """Kilograms the actor may still claim in the week starting `week`."""
        return actor.weekly_capacity_kg - self.claimed[(actor.id, week)]

    def profile(self, world: DemoWorld, actor: Actor, week: date, at: datetime) -> ActorProfile:
        """The actor as matching sees it at `at`."""
        return ActorProfile(
            actor_id=actor.slug,
            name=actor.name,
            lat=actor.lat,
            lon=actor.lon,
            radius_km=float(actor.radius_km),
            active=actor.active,
            accepted=world.accepted[actor.id],
            weekly_capacity_kg=actor.weekly_capacity_kg,
            claimed_this_week_kg=self.claimed[(actor.id, week)],
            collection_weekdays=frozenset(actor.collection_weekdays),
            recent_offers=_between(self.offers[actor.id], at - world.policy.fairness_window, at),
            no_shows=0,
            completed_pickups=_between(self.pickups[actor.id], None, at),
        )

    def record(
        self,
        claims: list[tuple[int, date, Decimal]],
        offers: list[tuple[int, datetime]],
        pickups: list[tuple[int, datetime]],
    ) -> None:
        """Add one lot's claims, offers and pickups to the running figures."""
        for actor_id, week, kilograms in claims:
            self.claimed[(actor_id, week)] += kilograms
        for actor_id, at in offers:
            insort(self.offers[actor_id], at)
        for actor_id, at in pickups:
            insort(self.pickups[actor_id], at)


def _between(times: list[datetime], start: datetime | None, end: datetime) -> int:
    """How many sorted instants lie in (start, end]."""
    first = 0 if start is None else bisect_right(times, start)
    return max(0, bisect_right(times, end) - first) if times else 0
