"""Random raw histories for the statistics tests, the rows that store them, and their world."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from reuse.domain.quantities import GRAM
from reuse.models import Claim, Co2Factor, Lot, Offer, OutcomeLine, Reception, SupersededOutcome
from reuse.runtime import Runtime

from builders import a_site, a_subcategory, a_territory, an_actor

SUBCATEGORIES = (
    "mobilier.canape",
    "mobilier.table",
    "gros_electromenager.froid",
    "sport_loisirs.velo",
)
OUTCOME_SLUGS = ("reemploi", "preparation_reutilisation", "reutilisation", "reparation",
                 "recyclage", "valorisation_energetique", "elimination")  # fmt: skip
HOLDING = ("active", "received", "not_collected")
SPECIAL = tuple(
    datetime.fromisoformat(text).astimezone(UTC)
    for text in (
        "2025-12-31T23:59:59+01:00", "2026-01-01T00:00:00+01:00", "2026-02-28T23:59:59+01:00",
        "2026-03-01T00:00:00+01:00", "2026-03-29T00:30:00+01:00", "2026-03-29T01:59:59+01:00",
        "2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00", "2026-03-31T23:59:59+02:00",
        "2026-04-01T00:00:00+02:00", "2026-10-25T00:30:00+02:00", "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:30:00+01:00", "2026-10-25T03:30:00+01:00", "2026-10-31T23:59:59+01:00",
        "2026-11-01T00:00:00+01:00", "2026-11-30T23:59:59+01:00", "2026-12-01T00:00:00+01:00",
    )
)  # fmt: skip
INSTANTS = st.one_of(
    st.sampled_from(SPECIAL),
    st.datetimes(datetime(2024, 11, 1), datetime(2026, 12, 31), timezones=st.just(UTC)),  # noqa: DTZ001 - Hypothesis takes naive bounds
)
GRAMS = st.integers(1, 400_000)


@dataclass
class ReceptionSpec:
    grams: int
    at: datetime
    lines: dict[str, int]
    superseded: dict[str, int]


@dataclass
class ClaimSpec:
    actor: int
    grams: int
    at: datetime
    status: str
    reception: ReceptionSpec | None


@dataclass
class LotSpec:
    site: int
    sub: int
    grams: int
    declared_at: datetime
    deadline: datetime
    status: str
    remaining: int
    claims: list[ClaimSpec] = field(default_factory=list)


@st.composite
def receptions(draw: st.DrawFn) -> ReceptionSpec:
    lines = st.dictionaries(st.sampled_from(OUTCOME_SLUGS), GRAMS, max_size=3)
    return ReceptionSpec(draw(GRAMS), draw(INSTANTS), draw(lines), draw(lines))


@st.composite
def lots(draw: st.DrawFn) -> LotSpec:
    grams, declared = draw(GRAMS), draw(INSTANTS)
    left, claims = grams, []
    for _ in range(draw(st.integers(0, 3))):
        if left == 0:
            break
        taken = draw(st.integers(1, left))
        status = draw(
            st.sampled_from(("active", "released", "no_show", "received", "not_collected"))
        )
        left -= taken if status in HOLDING else 0
        at = declared + timedelta(
            minutes=draw(st.integers(0, 6000)), seconds=draw(st.integers(0, 59)),
            microseconds=draw(st.integers(0, 999_999)),
        )  # fmt: skip
        reception = draw(receptions()) if status == "received" else None
        claims.append(ClaimSpec(draw(st.integers(0, 1)), taken, at, status, reception))
    if left == grams:
        status = draw(st.sampled_from(("expired", "offered", "cancelled", "unmatched", "declared")))
    else:
        later = ("claimed", "collected", "closed")
        status = draw(st.sampled_from(later if left == 0 else ("partially_claimed", *later)))
    remaining = left if status in ("offered", "partially_claimed", "declared", "unmatched") else 0
    deadline = declared + timedelta(hours=draw(st.integers(1, 2000)))
    return LotSpec(draw(st.integers(0, 1)), draw(st.integers(0, 3)), grams, declared, deadline,
                   status, remaining, claims)  # fmt: skip


HISTORIES = st.lists(lots(), max_size=12)


def kg(grams: int) -> object:
    return grams * GRAM


def store(session: Session, history: list[LotSpec], world: World) -> None:
    """Write the history as raw rows of the world, the way the use cases leave them."""
    sites, subs = [s.id for s in world.sites], [s.id for s in world.subs]
    actors = [a.id for a in world.actors]
    for spec in history:
        lot = Lot(site_id=sites[spec.site], subcategory_id=subs[spec.sub], estimated_kg=kg(spec.grams),
                  condition="as_is", photos=[], available_from=spec.declared_at, deadline=spec.deadline,
                  status=spec.status, remaining_kg=kg(spec.remaining), declared_at=spec.declared_at,
                  updated_at=spec.declared_at)  # fmt: skip
        session.add(lot)
        offers: dict[int, Offer] = {}
        for claim_spec in spec.claims:
            offer = offers.get(claim_spec.actor) or Offer(
                lot=lot, actor_id=actors[claim_spec.actor], wave=1, rank=1, distance_km=kg(1000),
                score=kg(1000), reasons=[], status="claimed", sent_at=spec.declared_at)  # fmt: skip
            offers[claim_spec.actor] = offer
            claim = Claim(lot=lot, offer=offer, actor_id=actors[claim_spec.actor], kg=kg(claim_spec.grams),
                          week_start=date(2026, 1, 5), status=claim_spec.status, claimed_at=claim_spec.at)  # fmt: skip
            session.add(claim)
            if claim_spec.reception is not None:
                _reception(session, claim, claim_spec.reception)
    session.flush()


def _reception(session: Session, claim: Claim, spec: ReceptionSpec) -> None:
    reception = Reception(claim=claim, measured_kg=kg(spec.grams), received_at=spec.at)
    session.add(reception)
    session.flush()
    for slug, grams in spec.lines.items():
        session.add(
            OutcomeLine(reception=reception, outcome_slug=slug, kg=kg(grams), reported_at=spec.at)
        )
    for slug, grams in spec.superseded.items():
        session.add(SupersededOutcome(reception_id=reception.id, outcome_slug=slug, kg=kg(grams),
                    reported_at=spec.at, superseded_at=spec.at, reason="corrected"))  # fmt: skip


@dataclass
class World:
    territory: str
    sites: list[Any]
    subs: list[Any]
    actors: list[Any]
    factors: dict[int, Decimal]


@contextmanager
def world_in(runtime: Runtime) -> Iterator[tuple[sessionmaker[Session], World]]:
    """A territory with two sites (two communes) and two actors, rolled back afterwards."""
    with runtime.engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        with sessions() as session:
            territory = a_territory(session)
            sites = [a_site(session, territory, name=f"Déchèterie {n}") for n in range(2)]
            subs = [a_subcategory(session, slug) for slug in SUBCATEGORIES]
            actors = [an_actor(session, name=f"Acteur {n}") for n in range(2)]
            factors = {f.subcategory_id: f.kgco2e_per_kg for f in session.scalars(
                select(Co2Factor).where(Co2Factor.factor_set_version == "v1"))}  # fmt: skip
            for sub in subs:
                session.refresh(sub, ["category"])
            world = World(territory.slug, sites, subs, actors, factors)
            session.commit()
        yield sessions, world
        outer.rollback()
