"""Admins create and change reuse actors: place, reach, capacity, days, what they accept."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reuse.domain.errors import FieldError
from reuse.domain.vocabulary import ActorKind, Condition
from reuse.models import Actor, ActorAcceptance, Subcategory
from reuse.services.access import By
from reuse.services.actors import ActorView, actor_view, subcategory_labels
from reuse.services.administration import (
    admin_of,
    changed,
    coordinate_errors,
    email_errors,
    existing,
    kilogram_errors,
    name_errors,
    refuse,
    slug_errors,
    weekday_errors,
)
from reuse.unit_of_work import UnitOfWork

SIRET = re.compile(r"^\d{14}$")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
MAX_RADIUS_KM = Decimal(300)
MAX_WEEKLY_KG = Decimal(1_000_000)
ACTOR_FIELDS = ("name", "kind", "siret", "commune_insee", "commune_name", "lat", "lon",
                "coordinates_approximate", "radius_km", "weekly_capacity_kg",
                "collection_weekdays", "active", "contact_email", "notes", "accepts")  # fmt: skip

Acceptances = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class ActorDraft:
    slug: str
    name: str
    kind: str
    commune_insee: str
    commune_name: str
    lat: float
    lon: float
    radius_km: Decimal
    weekly_capacity_kg: Decimal
    collection_weekdays: tuple[int, ...]
    accepts: Acceptances
    siret: str | None = None
    coordinates_approximate: bool = False
    active: bool = True
    contact_email: str | None = None
    notes: str = ""


def create_actor(uow: UnitOfWork, *, by: By, draft: ActorDraft) -> ActorView:
    """Add an actor; matching offers it lots from the next lot it matches."""
    with uow:
        admin_of(uow.session, by)
        actor = Actor(slug=draft.slug)
        view = _write(uow.session, actor, draft)
        uow.commit()
        return view


def update_actor(
    uow: UnitOfWork, *, by: By, actor_id: int, changes: Mapping[str, Any]
) -> ActorView:
    """Change an actor (matching uses the change from the next lot it matches); its slug stays."""
    with uow:
        admin_of(uow.session, by)
        actor = existing(uow.session, Actor, actor_id)
        labels = subcategory_labels(uow.session)
        current = actor_view(actor, labels)
        accepts = tuple((a.subcategory, a.conditions) for a in current.accepts)
        fields = {k: v for k, v in asdict(current).items() if k in ACTOR_FIELDS}
        draft = ActorDraft(slug=actor.slug, **(fields | {"accepts": accepts}))
        view = _write(uow.session, actor, changed(draft, changes, ACTOR_FIELDS))
        uow.commit()
        return view


def _write(session: Session, actor: Actor, draft: ActorDraft) -> ActorView:
    subs = {s.slug: s.id for s in session.scalars(select(Subcategory))}
    refuse(_errors(session, actor, draft, subs))
    for name, value in asdict(draft).items():
        if name != "accepts":
            setattr(actor, name, value)
    actor.collection_weekdays = sorted(draft.collection_weekdays)
    actor.accepts = [
        ActorAcceptance(subcategory_id=subs[slug], condition=condition)
        for slug, conditions in draft.accepts
        for condition in sorted(set(conditions))
    ]
    session.add(actor)
    session.flush()
    return actor_view(actor, subcategory_labels(session))


def _errors(
    session: Session, actor: Actor, draft: ActorDraft, subs: Mapping[str, int]
) -> list[FieldError]:
    errors = slug_errors(session, Actor.slug, draft.slug, actor.id)
    errors += name_errors("name", draft.name) + name_errors("commune_name", draft.commune_name)
    if draft.kind not in set(ActorKind):
        errors.append(FieldError("kind", "invalid", f"one of {', '.join(ActorKind)}"))
    if draft.siret is not None and not SIRET.match(draft.siret):
        errors.append(FieldError("siret", "invalid", "fourteen digits"))
    if not INSEE.match(draft.commune_insee):
        errors.append(FieldError("commune_insee", "invalid", "a five-character INSEE code"))
    errors += coordinate_errors(draft.lat, draft.lon)
    errors += kilogram_errors("radius_km", draft.radius_km, most=MAX_RADIUS_KM)
    errors += kilogram_errors("weekly_capacity_kg", draft.weekly_capacity_kg, most=MAX_WEEKLY_KG)
    errors += weekday_errors("collection_weekdays", draft.collection_weekdays)
    errors += email_errors("contact_email", draft.contact_email)
    return errors + _acceptance_errors(draft.accepts, subs)


def _acceptance_errors(accepts: Acceptances, subs: Mapping[str, int]) -> list[FieldError]:
    slugs = [slug for slug, _ in accepts]
    errors = []
    unknown = sorted(set(slugs) - set(subs))
    if unknown:
        errors.append(FieldError("accepts", "unknown", f"unknown: {', '.join(unknown)}"))
    if len(set(slugs)) != len(slugs):
        errors.append(FieldError("accepts", "repeated", "each subcategory once"))
    if any(not conditions or not set(conditions) <= set(Condition) for _, conditions in accepts):
        errors.append(FieldError("accepts", "invalid", f"conditions among {', '.join(Condition)}"))
    return errors
