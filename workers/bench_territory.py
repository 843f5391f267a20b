"""The pipeline benchmark's own territory: one site, one agent and six actors, made once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from reuse.demo.territory import require_reference_data
from reuse.domain.errors import DomainError
from reuse.domain.vocabulary import Condition, Role
from reuse.models import (
    Actor,
    ActorAcceptance,
    Commune,
    Membership,
    OutboxMessage,
    Site,
    Subcategory,
    Territory,
    User,
)
from reuse.unit_of_work import UnitOfWork

SLUG = "bench-pipeline"
SUBCATEGORY = "mobilier.canape"
COMMUNE = "ZZ001"  # not an INSEE code, so it never collides with a real commune
CENTRE = (46.5, 2.5)  # the middle of France, far from the demo territory's actors
ACTORS = 6
NO_LOGIN = "!"  # a hash no password matches: the bench agent never logs in


class SchemaMissing(DomainError):
    """The configured database has not been migrated."""

    code = "schema_missing"


@dataclass(frozen=True)
class BenchPlace:
    agent_id: int
    site_id: int
    subcategory: str
    actors: int


def prepare_bench_place(uow: UnitOfWork) -> BenchPlace:
    """Create the bench territory, site, agent and actors unless they exist; return their ids."""
    with uow:
        _require_schema(uow.session)
        require_reference_data(uow.session)
        territory = _territory(uow.session)
        site = _site(uow.session, territory)
        agent = _agent(uow.session, territory)
        _actors(uow.session)
        uow.commit()
        return BenchPlace(agent.id, site.id, SUBCATEGORY, ACTORS)


def _require_schema(session: Session) -> None:
    try:
        session.execute(select(OutboxMessage.id).limit(1))
    except DBAPIError as error:
        session.rollback()
        raise SchemaMissing(
            f"the database is not migrated ({type(error.orig).__name__}): "
            "run `reuse db upgrade` first"
        ) from error


def _territory(session: Session) -> Territory:
    found = session.scalar(select(Territory).where(Territory.slug == SLUG))
    if found is None:
        found = Territory(slug=SLUG, name="Banc d'essai du pipeline", siren="000000000")
        session.add(found)
        session.flush()
    if session.get(Commune, COMMUNE) is None:
        lat, lon = CENTRE
        session.add(
            Commune(insee=COMMUNE, name="Banc d'essai", territory_id=found.id, lat=lat, lon=lon)
        )
        session.flush()
    return found


def _site(session: Session, territory: Territory) -> Site:
    found = session.scalar(select(Site).where(Site.slug == SLUG))
    if found is None:
        lat, lon = CENTRE
        found = Site(
            slug=SLUG, name="Déchèterie du banc d'essai", territory_id=territory.id,
            commune_insee=COMMUNE, lat=lat, lon=lon, opening_weekdays=[1, 2, 3, 4, 5, 6],
        )  # fmt: skip
        session.add(found)
        session.flush()
    return found


def _agent(session: Session, territory: Territory) -> User:
    email = f"{SLUG}@reuse.invalid"
    found = session.scalar(select(User).where(User.email == email))
    if found is None:
        found = User(
            email=email, display_name="Agent du banc d'essai", password_hash=NO_LOGIN,
            created_at=datetime.now(UTC),
            memberships=[Membership(role=Role.AGENT.value, territory_id=territory.id)],
        )  # fmt: skip
        session.add(found)
        session.flush()
    return found


def _actors(session: Session) -> None:
    sofa = session.scalar(select(Subcategory).where(Subcategory.slug == SUBCATEGORY))
    assert sofa is not None  # require_reference_data has checked the taxonomy is there
    for n in range(ACTORS):
        slug = f"{SLUG}-actor-{n}"
        if session.scalar(select(Actor.id).where(Actor.slug == slug)) is None:
            actor = _actor(slug, n)
            session.add(actor)
            session.flush()
            session.add(
                ActorAcceptance(
                    actor_id=actor.id, subcategory_id=sofa.id, condition=Condition.AS_IS.value
                )
            )


def _actor(slug: str, n: int) -> Actor:
    lat, lon = CENTRE
    return Actor(
        slug=slug, name=f"Ressourcerie du banc d'essai {n}", kind="ressourcerie",
        commune_insee=COMMUNE, commune_name="Banc d'essai", lat=lat + 0.02 * (n + 1), lon=lon,
        radius_km=Decimal(50), weekly_capacity_kg=Decimal(1_000_000),
        collection_weekdays=[1, 2, 3, 4, 5, 6, 7],
    )  # fmt: skip
