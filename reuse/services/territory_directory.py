"""Territories, their communes and sites as their members read them; admins read them all.

Another territory's resources are not found rather than forbidden, so ids reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from reuse.domain.errors import NotFound
from reuse.domain.vocabulary import Role
from reuse.models import Commune, Site, Territory
from reuse.services.access import Acting, By, acting_user, is_admin
from reuse.unit_of_work import UnitOfWork

MEMBER_ROLES = frozenset({Role.AGENT, Role.TERRITORY_VIEWER})


@dataclass(frozen=True)
class TerritoryView:
    id: int
    slug: str
    name: str
    siren: str
    wave_size: int
    wave_growth: int
    hold_window_minutes: int
    communes: tuple[str, ...]


@dataclass(frozen=True)
class SiteView:
    id: int
    slug: str
    territory_id: int
    name: str
    commune_insee: str
    commune_name: str
    lat: float
    lon: float
    coordinates_approximate: bool
    opening_weekdays: tuple[int, ...]
    active: bool


@dataclass(frozen=True)
class CommuneView:
    insee: str
    name: str
    population: int | None
    lat: float
    lon: float


def territory_view(territory: Territory) -> TerritoryView:
    """What is shown of a territory."""
    return TerritoryView(
        territory.id, territory.slug, territory.name, territory.siren, territory.wave_size,
        territory.wave_growth, territory.hold_window_minutes,
        tuple(sorted(c.insee for c in territory.communes)),
    )  # fmt: skip


def site_view(site: Site) -> SiteView:
    """What is shown of a site."""
    return SiteView(
        site.id, site.slug, site.territory_id, site.name, site.commune_insee, site.commune.name,
        site.lat, site.lon, site.coordinates_approximate, tuple(sorted(site.opening_weekdays)),
        site.active,
    )  # fmt: skip


def member_territory_ids(user: Acting, roles: frozenset[Role] = MEMBER_ROLES) -> set[int]:
    """The territories the user belongs to through one of `roles`."""
    return {m.territory_id for m in user.memberships if m.role in roles and m.territory_id}


def _member_rule(user: Acting, roles: frozenset[Role]) -> ColumnElement[bool]:
    return true() if is_admin(user) else Territory.id.in_(member_territory_ids(user, roles))


def readable_territory(
    session: Session, by: By, territory_id: int, roles: frozenset[Role] = MEMBER_ROLES
) -> Territory:
    """A territory the user belongs to through one of `roles` (any, for admins), else NotFound."""
    user = acting_user(session, by)
    query = select(Territory).where(Territory.id == territory_id, _member_rule(user, roles))
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"no territory {territory_id}")
    return found


def list_territories(uow: UnitOfWork, *, by: By) -> list[TerritoryView]:
    """The territories I belong to (all of them for admins), by name."""
    with uow:
        user = acting_user(uow.session, by)
        query = select(Territory).where(_member_rule(user, MEMBER_ROLES))
        return [territory_view(t) for t in uow.session.scalars(query.order_by(Territory.name))]


def get_territory(uow: UnitOfWork, *, by: By, territory_id: int) -> TerritoryView:
    """One territory I belong to."""
    with uow:
        return territory_view(readable_territory(uow.session, by, territory_id))


def list_sites(uow: UnitOfWork, *, by: By, territory_id: int) -> list[SiteView]:
    """A territory's sites, active or not, by name."""
    with uow:
        territory = readable_territory(uow.session, by, territory_id)
        return [site_view(s) for s in sorted(territory.sites, key=lambda s: (s.name, s.id))]


def list_communes(uow: UnitOfWork, *, by: By, territory_id: int) -> list[CommuneView]:
    """A territory's communes, by name."""
    with uow:
        readable_territory(uow.session, by, territory_id)
        query = select(Commune).where(Commune.territory_id == territory_id)
        return [
            commune_view(c)
            for c in uow.session.scalars(query.order_by(Commune.name, Commune.insee))
        ]


def commune_view(commune: Commune) -> CommuneView:
    """What is shown of a commune."""
    return CommuneView(commune.insee, commune.name, commune.population, commune.lat, commune.lon)
