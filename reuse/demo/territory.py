"""The demo territory: Morlaix Communauté, its communes, déchèteries and nearby reuse actors."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reuse.domain.errors import DomainError
from reuse.domain.quantities import kg
from reuse.models import (
    Actor,
    ActorAcceptance,
    Category,
    Commune,
    FactorSet,
    Outcome,
    Site,
    Subcategory,
    Territory,
)
from reuse.refdata import catalog

TERRITORY_SLUG = "morlaix-communaute"
TERRITORY_NAME = "Morlaix Communauté"
TERRITORY_SIREN = "242900835"
FACTOR_SET = "v1"


class ReferenceDataMissing(DomainError):
    """The demo needs the taxonomy, outcomes and factor set loaded first."""

    code = "reference_data_missing"


def require_reference_data(session: Session) -> None:
    """Refuse to seed when `reuse refdata load` has not run yet."""
    counts = {
        "categories": session.scalar(select(func.count()).select_from(Category)) or 0,
        "subcategories": session.scalar(select(func.count()).select_from(Subcategory)) or 0,
        "outcomes": session.scalar(select(func.count()).select_from(Outcome)) or 0,
        f"factor set {FACTOR_SET}": int(session.get(FactorSet, FACTOR_SET) is not None),
    }
    missing = [name for name, count in counts.items() if count == 0]
    if missing:
        raise ReferenceDataMissing(
            f"reference data is missing ({', '.join(missing)}): run `reuse refdata load` first"
        )


def ensure_territory(session: Session) -> Territory:
    """Return the demo territory, creating it on the first run."""
    found = session.scalar(
        select(Territory).where(
            (Territory.slug == TERRITORY_SLUG) | (Territory.siren == TERRITORY_SIREN)
        )
    )
    if found is not None:
        return found
    territory = Territory(slug=TERRITORY_SLUG, name=TERRITORY_NAME, siren=TERRITORY_SIREN)
    session.add(territory)
    session.flush()
    return territory


def ensure_communes(session: Session, territory: Territory) -> int:
    """Create the territory's communes, or link existing ones to it; return how many it has."""
    rows = [row for row in catalog.communes() if row.epci_siren == TERRITORY_SIREN]
    existing = {c.insee: c for c in session.scalars(select(Commune))}
    for row in rows:
        commune = existing.get(row.insee)
        if commune is None:
            session.add(
                Commune(
                    insee=row.insee,
                    name=row.name,
                    territory_id=territory.id,
                    population=row.population,
                    lat=row.lat,
                    lon=row.lon,
                )
            )
        elif commune.territory_id is None:
            commune.territory_id = territory.id
    session.flush()
    return len(rows)


def ensure_sites(session: Session, territory: Territory) -> list[Site]:
    """Create the déchèteries that are missing; return all of the demo's sites."""
    existing = {s.slug: s for s in session.scalars(select(Site))}
    sites = []
    for row in catalog.sites():
        site = existing.get(row.slug) or Site(
            slug=row.slug,
            territory_id=territory.id,
            commune_insee=row.insee,
            name=row.name,
            lat=row.lat,
            lon=row.lon,
            coordinates_approximate=True,
            opening_weekdays=sorted(row.opening_weekdays),
        )
        session.add(site)
        sites.append(site)
    session.flush()
    return sites


def ensure_actors(session: Session) -> list[Actor]:
    """Create the reuse actors that are missing, with what they accept; return all of them."""
    subcategory_ids = {
        slug: id_ for slug, id_ in session.execute(select(Subcategory.slug, Subcategory.id))
    }
    existing = {a.slug: a for a in session.scalars(select(Actor))}
    actors = [
        existing.get(row.slug) or _new_actor(row, subcategory_ids) for row in catalog.actors()
    ]
    session.add_all(actors)
    session.flush()
    return actors


def _new_actor(row: catalog.ActorRow, subcategory_ids: dict[str, int]) -> Actor:
    """Build an actor from its catalog row; its location is a commune point."""
    return Actor(
        slug=row.slug,
        name=row.name,
        kind=row.kind.value,
        commune_insee=row.insee,
        commune_name=row.commune,
        lat=row.lat,
        lon=row.lon,
        coordinates_approximate=True,
        radius_km=kg(str(row.radius_km)),
        weekly_capacity_kg=row.weekly_capacity_kg,
        collection_weekdays=sorted(row.collection_weekdays),
        notes=row.notes,
        contact_email=contact_email(row.slug),
        accepts=[
            ActorAcceptance(subcategory_id=subcategory_ids[slug], condition=condition.value)
            for slug, conditions in row.accepted
            for condition in sorted(conditions)
        ],
    )


def contact_email(slug: str) -> str:
    """A contact address that can never be delivered (underscores are not valid in hostnames)."""
    return f"contact@{slug.replace('_', '-')}.demo.invalid"
