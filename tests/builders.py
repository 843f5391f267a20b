"""Builders with random identifiers, so each test states only what matters to it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reuse.domain.lots import LotDraft
from reuse.domain.vocabulary import Role
from reuse.models import (
    Actor,
    ActorAcceptance,
    Commune,
    Membership,
    Site,
    Subcategory,
    Territory,
    User,
)

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def a_territory(session: Session, **overrides: Any) -> Territory:
    values = {
        "slug": unique("territory"),
        "name": "Test Communauté",
        "siren": str(uuid.uuid4().int)[:9],
    } | overrides
    territory = Territory(**values)
    session.add(territory)
    session.flush()
    return territory


def a_site(session: Session, territory: Territory | None = None, **overrides: Any) -> Site:
    territory = territory or a_territory(session)
    commune = Commune(
        insee=uuid.uuid4().hex[:5],
        name="Morlaix",
        territory_id=territory.id,
        lat=48.57784,
        lon=-3.82792,
    )
    session.add(commune)
    values = {
        "slug": unique("site"),
        "name": "Déchèterie test",
        "territory_id": territory.id,
        "commune_insee": commune.insee,
        "lat": 48.57784,
        "lon": -3.82792,
        "opening_weekdays": [1, 2, 3, 4, 5, 6],
    } | overrides
    site = Site(**values)
    session.add(site)
    session.flush()
    return site


def a_user(session: Session, role: Role, **scope: Any) -> User:
    user = User(
        email=f"{unique('user')}@example.org",
        display_name="Test",
        password_hash="x",
        created_at=NOW,
        memberships=[Membership(role=role.value, **scope)],
    )
    session.add(user)
    session.flush()
    return user


def an_agent_of(session: Session, site: Site) -> User:
    return a_user(session, Role.AGENT, territory_id=site.territory_id)


def a_subcategory(session: Session, slug: str = "mobilier.canape") -> Subcategory:
    found = session.scalar(select(Subcategory).where(Subcategory.slug == slug))
    assert found is not None, slug
    return found


def a_draft(**overrides: Any) -> LotDraft:
    values: dict[str, Any] = {
        "condition": "as_is",
        "available_from": NOW,
        "deadline": NOW + timedelta(days=7),
        "estimated_kg": Decimal("40"),
        "item_count": 1,
        "description": "Canapé trois places en bon état",
    }
    return LotDraft(**(values | overrides))


def an_actor(
    session: Session,
    accepts: dict[str, list[str]] | None = None,
    **overrides: Any,
) -> Actor:
    """An active actor near Morlaix that collects every weekday, accepting sofas as they are."""
    values = {"slug": unique("actor"), "name": "Ressourcerie test", "kind": "ressourcerie",
              "commune_insee": "29151", "commune_name": "Morlaix", "lat": 48.58, "lon": -3.83,
              "radius_km": Decimal("30"), "weekly_capacity_kg": Decimal("2000"),
              "collection_weekdays": [1, 2, 3, 4, 5, 6, 7]} | overrides  # fmt: skip
    actor = Actor(**values)
    session.add(actor)
    session.flush()
    for slug, conditions in (accepts or {"mobilier.canape": ["as_is"]}).items():
        sub = a_subcategory(session, slug)
        session.add_all(
            ActorAcceptance(actor_id=actor.id, subcategory_id=sub.id, condition=c)
            for c in conditions
        )
    session.flush()
    return actor


def a_recycler_of(session: Session, actor: Actor) -> User:
    return a_user(session, Role.RECYCLER, actor_id=actor.id)
