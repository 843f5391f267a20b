"""Seed the Morlaix Communauté demo: places, actors, one user per role and a year of history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reuse.demo.history import generate_history
from reuse.demo.logins import (
    AGENT_EMAIL,
    DEMO_USERS,
    SITE_AGENT_EMAIL,
    SITE_AGENT_SITE,
    DemoLogin,
    ensure_users,
    user_ids,
)
from reuse.demo.territory import (
    ensure_actors,
    ensure_communes,
    ensure_sites,
    ensure_territory,
    require_reference_data,
)
from reuse.demo.today import declare_todays_lots
from reuse.demo.world import DemoWorld, accepted_by_actor, reach_of
from reuse.domain.matching import MatchPolicy
from reuse.models import Actor, Category, Lot, Site, Subcategory, Territory
from reuse.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class DemoSummary:
    """What the demo holds after seeding, and the logins to try it with."""

    territory: str
    sites: int
    actors: int
    users: tuple[DemoLogin, ...]
    lots: int
    history_created: bool


def seed_demo(uow: UnitOfWork, now: datetime) -> DemoSummary:
    """Create whatever of the demo is missing, in one transaction; running it again adds nothing."""
    with uow:
        session = uow.session
        require_reference_data(session)
        territory = ensure_territory(session)
        ensure_communes(session, territory)
        sites = ensure_sites(session, territory)
        actors = ensure_actors(session)
        logins = ensure_users(session, territory, now)
        created = _lot_count(session, territory) == 0
        if created:
            generate_history(session, _world(session, territory, sites, actors), now)
        summary = DemoSummary(
            territory.name, len(sites), len(actors), logins, _lot_count(session, territory), created
        )
        agent_id = user_ids(session)[AGENT_EMAIL]
        uow.commit()
    if created:
        today = declare_todays_lots(uow, agent_id=agent_id, now=now)
        summary = replace(summary, lots=summary.lots + len(today))
    return summary


def _lot_count(session: Session, territory: Territory) -> int:
    query = (
        select(func.count()).select_from(Lot).join(Site).where(Site.territory_id == territory.id)
    )
    return session.scalar(query) or 0


def _world(
    session: Session, territory: Territory, sites: list[Site], actors: list[Actor]
) -> DemoWorld:
    """Gather what the history generator refers to."""
    users = user_ids(session)
    subs = {s.slug: s for s in session.scalars(select(Subcategory))}
    categories = {id_: slug for id_, slug in session.execute(select(Category.id, Category.slug))}
    by_slug = {a.slug: a.id for a in actors}
    policy = MatchPolicy(wave_size=territory.wave_size)
    return DemoWorld(
        sites=tuple(sites),
        actors={a.id: a for a in actors},
        accepted=accepted_by_actor(actors),
        subcategories=subs,
        category_of={s.id: categories[s.category_id] for s in subs.values()},
        agent_id=users[AGENT_EMAIL],
        site_agent_id=users[SITE_AGENT_EMAIL],
        site_agent_site_id=next(s.id for s in sites if s.slug == SITE_AGENT_SITE),
        recyclers={by_slug[u.actor]: users[u.email] for u in DEMO_USERS if u.actor},
        policy=policy,
        reach=reach_of(sites, actors, policy),
    )
