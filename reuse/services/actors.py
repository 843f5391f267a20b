"""The reuse actors as a directory: agents and viewers see those serving their territories,
recyclers their own actor, admins every actor."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from math import cos, radians

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from reuse.domain.errors import NotFound
from reuse.domain.geo import great_circle_km
from reuse.domain.vocabulary import Role
from reuse.models import Actor, Site, Subcategory
from reuse.services.access import Acting, By, acting_user, is_admin
from reuse.services.territory_directory import member_territory_ids
from reuse.unit_of_work import UnitOfWork

KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class Accepted:
    subcategory: str
    label: str
    conditions: tuple[str, ...]


@dataclass(frozen=True)
class ActorView:
    id: int
    slug: str
    name: str
    kind: str
    siret: str | None
    commune_insee: str
    commune_name: str
    lat: float
    lon: float
    coordinates_approximate: bool
    radius_km: Decimal
    weekly_capacity_kg: Decimal
    collection_weekdays: tuple[int, ...]
    active: bool
    contact_email: str | None
    notes: str
    accepts: tuple[Accepted, ...]


def actor_view(actor: Actor, labels: Mapping[int, tuple[str, str]]) -> ActorView:
    """What is shown of an actor, its accepted subcategories by slug with their conditions."""
    accepted: dict[tuple[str, str], list[str]] = {}
    for line in sorted(actor.accepts, key=lambda a: (labels[a.subcategory_id], a.condition)):
        accepted.setdefault(labels[line.subcategory_id], []).append(line.condition)
    return ActorView(
        actor.id, actor.slug, actor.name, actor.kind, actor.siret, actor.commune_insee,
        actor.commune_name, actor.lat, actor.lon, actor.coordinates_approximate, actor.radius_km,
        actor.weekly_capacity_kg, tuple(sorted(actor.collection_weekdays)), actor.active,
        actor.contact_email, actor.notes,
        tuple(Accepted(s, lbl, tuple(c)) for (s, lbl), c in accepted.items()),
    )  # fmt: skip


def subcategory_labels(session: Session) -> dict[int, tuple[str, str]]:
    """Slug and French label of every subcategory, by id."""
    query = select(Subcategory.id, Subcategory.slug, Subcategory.label_fr)
    return {sub_id: (slug, label) for sub_id, slug, label in session.execute(query)}


def list_actors(uow: UnitOfWork, *, by: By) -> list[ActorView]:
    """The actors I may see, by name."""
    return page_of_actors(uow, by=by)[0]


def page_of_actors(
    uow: UnitOfWork, *, by: By, page: int = 1, per_page: int | None = None
) -> tuple[list[ActorView], int]:
    """One page of the actors I may see, by name (all of them without `per_page`), and how
    many there are in all."""
    with uow:
        visible = _visible(uow.session, by)
        query = select(Actor).where(visible).order_by(Actor.name, Actor.id)
        if per_page is not None:
            query = query.limit(per_page).offset((page - 1) * per_page)
        actors = list(uow.session.scalars(query.options(selectinload(Actor.accepts))))
        if per_page is None:
            total = len(actors)
        else:
            total = uow.session.scalar(select(func.count(Actor.id)).where(visible)) or 0
        labels = subcategory_labels(uow.session)
        return [actor_view(a, labels) for a in actors], total


def get_actor(uow: UnitOfWork, *, by: By, actor_id: int) -> ActorView:
    """One actor I may see."""
    with uow:
        query = select(Actor).where(Actor.id == actor_id, _visible(uow.session, by))
        found = uow.session.scalar(query)
        if found is None:
            raise NotFound(f"no actor {actor_id}")
        return actor_view(found, subcategory_labels(uow.session))


def _visible(session: Session, by: By) -> ColumnElement[bool]:
    user = acting_user(session, by)
    if is_admin(user):
        return true()
    own = [m.actor_id for m in user.memberships if m.role == Role.RECYCLER and m.actor_id]
    serving = serving_actor_ids(session, _sites_of(session, user))
    return or_(Actor.id.in_(own), Actor.id.in_(serving)) if own or serving else false()


def _sites_of(session: Session, user: Acting) -> list[Site]:
    territories = member_territory_ids(user)
    query = select(Site).where(Site.territory_id.in_(territories), Site.active)
    return list(session.scalars(query)) if territories else []


def serving_actor_ids(session: Session, sites: Iterable[Site]) -> set[int]:
    """The active actors whose service radius reaches at least one of `sites`."""
    sites = list(sites)
    if not sites:
        return set()
    widest = float(session.scalar(select(func.max(Actor.radius_km)).where(Actor.active)) or 0)
    lat_margin = widest / KM_PER_DEGREE
    lowest_cos = min(cos(radians(min(abs(s.lat) + lat_margin, 89.0))) for s in sites)
    lon_margin = lat_margin / lowest_cos
    query = select(Actor.id, Actor.lat, Actor.lon, Actor.radius_km).where(
        Actor.active,
        Actor.lat.between(min(s.lat for s in sites) - lat_margin, max(s.lat for s in sites) + lat_margin),
        Actor.lon.between(min(s.lon for s in sites) - lon_margin, max(s.lon for s in sites) + lon_margin),
    )  # fmt: skip
    return {
        actor_id
        for actor_id, lat, lon, radius in session.execute(query)
        if any(great_circle_km(lat, lon, s.lat, s.lon) <= float(radius) for s in sites)
    }
