"""A lot of 40 chairs offered to two actors, for the tests of the claim chain through the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from reuse.domain.french import PARIS
from reuse.models import Offer
from reuse.services.actor_directory import ActorDirectory
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.unit_of_work import UnitOfWork

from builders import a_draft, a_recycler_of, a_site, an_actor, an_agent_of

CHAIRS = {"mobilier.assise": ["as_is"]}


@dataclass(frozen=True)
class Scene:
    site_id: int
    territory_id: int
    lot_id: int
    actors: tuple[int, int]
    recyclers: tuple[int, int]
    offers: tuple[int, int]


def a_scene(uow: UnitOfWork) -> Scene:
    """40 chairs (200 kg) available now for 8 days at a site open Monday to Saturday."""
    with uow:
        site = a_site(uow.session)
        site.territory.wave_size = 2
        agent = an_agent_of(uow.session, site)
        actors = [an_actor(uow.session, CHAIRS) for _ in range(2)]
        recyclers = tuple(a_recycler_of(uow.session, actor).id for actor in actors)
        uow.commit()
        agent_id, site_id, territory_id = agent.id, site.id, site.territory_id
        actor_ids = (actors[0].id, actors[1].id)
    now = datetime.now(UTC)
    draft = a_draft(estimated_kg=Decimal("200"), item_count=40, available_from=now,
                    deadline=now + timedelta(days=8))  # fmt: skip
    lot = declare_lot(uow, by=agent_id, site_id=site_id, subcategory="mobilier.assise",
                      draft=draft).lot_id  # fmt: skip
    match_lot(uow, ActorDirectory(), lot_id=lot)
    with uow:
        found = {
            a: o
            for a, o in uow.session.execute(
                select(Offer.actor_id, Offer.id).where(Offer.lot_id == lot)
            )
        }
    offers = (found[actor_ids[0]], found[actor_ids[1]])
    return Scene(site_id, territory_id, lot, actor_ids, recyclers, offers)  # type: ignore[arg-type]


def next_day(iso_weekday: int, hour: int = 10) -> datetime:
    """The next such weekday (from tomorrow on) at `hour` in Paris."""
    day = datetime.now(PARIS).date() + timedelta(days=1)
    while day.isoweekday() != iso_weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=PARIS)


def next_open_day() -> datetime:
    """Tomorrow at 10:00 in Paris, or Monday when tomorrow is a Sunday (the site is closed)."""
    tomorrow = datetime.now(PARIS) + timedelta(days=1)
    return next_day(1 if tomorrow.isoweekday() == 7 else tomorrow.isoweekday())
