"""Admins create and change territories (with their communes) and their sites, and add the
communes a new territory groups when the shipped reference data lacks them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reuse.domain.errors import FieldError
from reuse.models import Commune, Site, Territory
from reuse.services.access import By
from reuse.services.administration import (
    admin_of,
    changed,
    coordinate_errors,
    existing,
    name_errors,
    refuse,
    slug_errors,
    unique_errors,
    weekday_errors,
)
from reuse.services.territory_directory import (
    CommuneView,
    SiteView,
    TerritoryView,
    commune_view,
    site_view,
    territory_view,
)
from reuse.unit_of_work import UnitOfWork

SIREN = re.compile(r"^\d{9}$")
INSEE = re.compile(r"^(\d{2}|2A|2B)\d{3}$")  # a commune's INSEE code (Corsica: 2A, 2B)
TERRITORY_FIELDS = ("name", "siren", "wave_size", "wave_growth", "hold_window_minutes", "communes")
SITE_FIELDS = ("name", "commune_insee", "lat", "lon", "coordinates_approximate",
               "opening_weekdays", "active")  # fmt: skip


@dataclass(frozen=True)
class TerritoryDraft:
    slug: str
    name: str
    siren: str
    wave_size: int = 3
    wave_growth: int = 3
    hold_window_minutes: int = 120
    communes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteDraft:
    slug: str
    territory_id: int
    name: str
    commune_insee: str
    lat: float
    lon: float
    opening_weekdays: tuple[int, ...]
    coordinates_approximate: bool = False
    active: bool = True


@dataclass(frozen=True)
class CommuneDraft:
    insee: str
    name: str
    lat: float  # its town hall, where the matching measures from when a site's is approximate
    lon: float
    population: int | None = None


def create_commune(uow: UnitOfWork, *, by: By, draft: CommuneDraft) -> CommuneView:
    """Add a commune, in no territory yet: a territory then groups it by its INSEE code."""
    with uow:
        admin_of(uow.session, by)
        refuse(_commune_draft_errors(uow.session, draft))
        commune = Commune(**asdict(draft), territory_id=None)
        uow.session.add(commune)
        uow.commit()
        return commune_view(commune)


def _commune_draft_errors(session: Session, draft: CommuneDraft) -> list[FieldError]:
    errors = []
    if not INSEE.match(draft.insee):
        errors.append(FieldError("insee", "invalid", "five characters, for example 29151"))
    elif session.get(Commune, draft.insee) is not None:
        errors.append(FieldError("insee", "taken", f"{draft.insee} is already used"))
    errors += name_errors("name", draft.name)
    errors += coordinate_errors(draft.lat, draft.lon)
    if draft.population is not None:
        errors += _bound("population", draft.population, 0, 10_000_000)
    return errors


def create_territory(uow: UnitOfWork, *, by: By, draft: TerritoryDraft) -> TerritoryView:
    """Add a territory with the communes it groups."""
    with uow:
        admin_of(uow.session, by)
        territory = Territory(slug=draft.slug)
        _write_territory(uow.session, territory, draft)
        uow.commit()
        return territory_view(territory)


def update_territory(
    uow: UnitOfWork, *, by: By, territory_id: int, changes: Mapping[str, Any]
) -> TerritoryView:
    """Change a territory; its slug stays, since exports and logins name it."""
    with uow:
        admin_of(uow.session, by)
        territory = existing(uow.session, Territory, territory_id)
        current = TerritoryDraft(
            territory.slug, territory.name, territory.siren, territory.wave_size,
            territory.wave_growth, territory.hold_window_minutes,
            tuple(c.insee for c in territory.communes),
        )  # fmt: skip
        _write_territory(uow.session, territory, changed(current, changes, TERRITORY_FIELDS))
        uow.commit()
        return territory_view(territory)


def _write_territory(session: Session, territory: Territory, draft: TerritoryDraft) -> None:
    communes = list(session.scalars(select(Commune).where(Commune.insee.in_(draft.communes))))
    refuse(_territory_errors(session, territory, draft, communes))
    fields = asdict(draft)
    del fields["communes"]
    for name, value in fields.items():
        setattr(territory, name, value)
    territory.communes = communes
    session.add(territory)
    session.flush()


def _territory_errors(
    session: Session, territory: Territory, draft: TerritoryDraft, communes: list[Commune]
) -> list[FieldError]:
    errors = slug_errors(session, Territory.slug, draft.slug, territory.id)
    errors += name_errors("name", draft.name)
    if not SIREN.match(draft.siren):
        errors.append(FieldError("siren", "invalid", "nine digits"))
    else:
        errors += unique_errors(session, Territory.siren, draft.siren, territory.id, "siren")
    errors += _bound("wave_size", draft.wave_size, 1, 50)
    errors += _bound("wave_growth", draft.wave_growth, 0, 50)
    errors += _bound("hold_window_minutes", draft.hold_window_minutes, 5, 7 * 24 * 60)
    return errors + _commune_errors(territory, draft, communes)


def _bound(field: str, value: int, least: int, most: int) -> list[FieldError]:
    if least <= value <= most:
        return []
    return [FieldError(field, "out_of_range", f"between {least} and {most}")]


def _commune_errors(
    territory: Territory, draft: TerritoryDraft, communes: list[Commune]
) -> list[FieldError]:
    found = {c.insee for c in communes}
    unknown = sorted(set(draft.communes) - found)
    taken = sorted(c.insee for c in communes if c.territory_id not in (None, territory.id))
    still_used = sorted({s.commune_insee for s in territory.sites} - found) if territory.id else []
    errors = []
    if unknown:
        errors.append(FieldError("communes", "unknown", f"unknown: {', '.join(unknown)}"))
    if taken:
        errors.append(FieldError("communes", "taken", f"in another territory: {', '.join(taken)}"))
    if still_used:
        errors.append(FieldError("communes", "in_use", f"sites lie in: {', '.join(still_used)}"))
    return errors


def create_site(uow: UnitOfWork, *, by: By, draft: SiteDraft) -> SiteView:
    """Add a site to a territory, in one of its communes."""
    with uow:
        admin_of(uow.session, by)
        site = Site(slug=draft.slug)
        _write_site(uow.session, site, draft)
        uow.commit()
        return site_view(site)


def update_site(uow: UnitOfWork, *, by: By, site_id: int, changes: Mapping[str, Any]) -> SiteView:
    """Change a site (opening days, place, name, active); it stays in its territory."""
    with uow:
        admin_of(uow.session, by)
        site = existing(uow.session, Site, site_id)
        current = SiteDraft(
            site.slug, site.territory_id, site.name, site.commune_insee, site.lat, site.lon,
            tuple(site.opening_weekdays), site.coordinates_approximate, site.active,
        )  # fmt: skip
        _write_site(uow.session, site, changed(current, changes, SITE_FIELDS))
        uow.commit()
        return site_view(site)


def _write_site(session: Session, site: Site, draft: SiteDraft) -> None:
    refuse(_site_errors(session, site, draft))
    for name, value in asdict(draft).items():
        setattr(site, name, value)
    site.opening_weekdays = sorted(draft.opening_weekdays)
    session.add(site)
    session.flush()
    session.refresh(site, ["commune"])


def _site_errors(session: Session, site: Site, draft: SiteDraft) -> list[FieldError]:
    errors = slug_errors(session, Site.slug, draft.slug, site.id)
    errors += name_errors("name", draft.name)
    errors += coordinate_errors(draft.lat, draft.lon)
    errors += weekday_errors("opening_weekdays", draft.opening_weekdays)
    if session.get(Territory, draft.territory_id) is None:
        return [
            *errors,
            FieldError("territory_id", "unknown", f"no territory {draft.territory_id}"),
        ]
    commune = session.get(Commune, draft.commune_insee)
    if commune is None or commune.territory_id != draft.territory_id:
        errors.append(
            FieldError("commune_insee", "not_in_territory", "not a commune of this territory")
        )
    return errors
