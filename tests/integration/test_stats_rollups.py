"""The monthly rollups the figures are read from always equal a recomputation from the raw rows:
after every commit of a random history, of random changes to it (outcome corrections,
releases, expiries, reweighing, moved dates, resized and recategorised lots), and of two
commits racing on one cell."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from reuse.models import Claim, Lot, LotMonth, Offer, OutcomeLine, Reception, ReceptionMonth
from reuse.models.types import Milli
from reuse.runtime import Runtime
from reuse.stats.months import Month, month_range
from reuse.stats.rollups import lot_month_rows, raw, rebuild, reception_month_rows

from builders import a_site, a_subcategory, an_actor
from stats_history import GRAMS, HISTORIES, INSTANTS, OUTCOME_SLUGS, LotSpec, World, store, world_in

# Every month a generated row can fall in (instants of 2024-11..2026-12, deadlines 83 days on).
MONTHS = month_range(Month(2024, 10), Month(2027, 4))
CLAIM_STATUSES = ("active", "released", "no_show", "received", "not_collected")
LOT_STATUSES = ("declared", "offered", "partially_claimed", "claimed", "collected", "closed",
                "expired", "cancelled", "unmatched")  # fmt: skip
KINDS = ("correct", "claim_status", "lot_status", "reweigh", "move_reception", "move_deadline",
         "resize", "recategorise", "claim_kg")  # fmt: skip
CHANGES = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 1000),
        GRAMS,
        INSTANTS,
        st.dictionaries(st.sampled_from(OUTCOME_SLUGS), GRAMS, max_size=3),
    ),
    max_size=8,
)


def maintained(connection: Connection, sites: list[int]) -> tuple[list[Any], list[Any]]:
    """The rollup rows of `sites` as stored."""
    lots = select(*_stored(LotMonth)).where(LotMonth.site_id.in_(sites))
    receptions = select(*_stored(ReceptionMonth)).where(ReceptionMonth.site_id.in_(sites))
    return _sorted(connection, lots), _sorted(connection, receptions)


def _stored(model: Any) -> list[Any]:
    """A rollup's columns as stored: kilograms as integer thousandths."""
    return [raw(c) if isinstance(c.type, Milli) else c for c in model.__table__.c]


def recomputed(connection: Connection, sites: list[int]) -> tuple[list[Any], list[Any]]:
    """The rollup rows of `sites` recomputed from the raw rows, every month."""
    return (
        _sorted(connection, lot_month_rows(MONTHS, sites)),
        _sorted(connection, reception_month_rows(MONTHS, sites)),
    )


def _sorted(connection: Connection, query: Any) -> list[Any]:
    return sorted(tuple(int(v) if isinstance(v, Decimal) else v for v in row)
                  for row in connection.execute(query))  # fmt: skip


def change(session: Session, world: World, what: tuple[Any, ...]) -> None:
    """Apply one change to the stored rows, as a use case or an operator would."""
    kind, pick, grams, at, lines = what
    lots = list(session.scalars(select(Lot).where(Lot.site_id.in_(s.id for s in world.sites))))
    claims = [
        c for lot in lots for c in session.scalars(select(Claim).where(Claim.lot_id == lot.id))
    ]
    receptions = [c.reception for c in claims if c.reception is not None]
    if kind in ("correct", "reweigh", "move_reception") and receptions:
        reception = receptions[pick % len(receptions)]
        if kind == "correct":
            for line in list(reception.outcome_lines):
                session.delete(line)
            session.flush()
            session.expire(reception, ["outcome_lines"])
            for slug, kilograms in lines.items():
                session.add(OutcomeLine(reception=reception, outcome_slug=slug,
                                        kg=Decimal(kilograms) / 1000, reported_at=at))  # fmt: skip
        elif kind == "reweigh":
            reception.measured_kg = Decimal(grams) / 1000
        else:
            reception.received_at = at
    elif kind in ("claim_status", "claim_kg") and claims:
        claim = claims[pick % len(claims)]
        if kind == "claim_status":
            claim.status = CLAIM_STATUSES[pick % len(CLAIM_STATUSES)]
        else:
            claim.kg = Decimal(grams) / 1000
    elif lots:
        lot = lots[pick % len(lots)]
        if kind == "lot_status":
            lot.status = LOT_STATUSES[pick % len(LOT_STATUSES)]
        elif kind == "move_deadline":
            lot.deadline = max(at, lot.available_from + timedelta(hours=1))
        elif kind == "resize":
            lot.estimated_kg = max(Decimal(grams) / 1000, lot.remaining_kg)
        elif kind == "recategorise":
            lot.subcategory_id = world.subs[pick % len(world.subs)].id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=HISTORIES, changes=CHANGES)
def test_the_rollups_equal_the_raw_recomputation_after_every_commit_of_every_change(
    runtime: Runtime, history: list[LotSpec], changes: list[tuple[Any, ...]]
) -> None:
    with world_in(runtime) as (sessions, world), sessions() as session:
        sites = [s.id for s in world.sites]
        store(session, history, world)
        session.commit()
        assert maintained(session.connection(), sites) == recomputed(session.connection(), sites)
        for what in changes:
            change(session, world, what)
            session.commit()
            connection = session.connection()
            assert maintained(connection, sites) == recomputed(connection, sites), what


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=HISTORIES)
def test_a_rebuild_from_scratch_gives_back_the_maintained_rollups(
    runtime: Runtime, history: list[LotSpec]
) -> None:
    with world_in(runtime) as (sessions, world), sessions() as session:
        sites = [s.id for s in world.sites]
        store(session, history, world)
        session.commit()
        connection = session.connection()
        before = maintained(connection, sites)
        connection.execute(delete(LotMonth))
        connection.execute(delete(ReceptionMonth))
        rebuild(connection)
        assert maintained(connection, sites) == before


def a_received_lot(session: Session, site: int, sub: int, actor: int, grams: int) -> None:
    """A lot claimed whole and received on 2026-03-10, with its outcome."""
    at = datetime(2026, 3, 10, 9, tzinfo=UTC)
    lot = Lot(site_id=site, subcategory_id=sub, estimated_kg=Decimal(grams) / 1000,
              condition="as_is", photos=[], available_from=at, deadline=datetime(2026, 3, 20, tzinfo=UTC),
              status="closed", remaining_kg=0, declared_at=at, updated_at=at)  # fmt: skip
    offer = Offer(lot=lot, actor_id=actor, wave=1, rank=1, distance_km=1, score=1, reasons=[],
                  status="claimed", sent_at=at)  # fmt: skip
    claim = Claim(lot=lot, offer=offer, actor_id=actor, kg=Decimal(grams) / 1000,
                  week_start=date(2026, 3, 9), status="received", claimed_at=at)  # fmt: skip
    reception = Reception(claim=claim, measured_kg=Decimal(grams) / 1000, received_at=at)
    line = OutcomeLine(reception=reception, outcome_slug="reemploi", kg=Decimal(grams) / 1000,
                       reported_at=at)  # fmt: skip
    session.add_all([lot, offer, claim, reception, line])
    session.flush()


def test_two_commits_racing_on_one_cell_both_reach_its_rollup(committed: Runtime) -> None:
    if committed.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: commits cannot race on a cell")
    with committed.sessions() as session:
        site, sub, actor = a_site(session), a_subcategory(session), an_actor(session)
        session.commit()
        ids = (site.id, sub.id, actor.id)
    ready = threading.Barrier(2)
    failures: list[BaseException] = []

    def receive(grams: int) -> None:
        try:
            with committed.sessions() as session:
                a_received_lot(session, *ids, grams)
                ready.wait(timeout=10)
                session.commit()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=receive, args=(grams,)) for grams in (1_000, 2_000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    with committed.engine.connect() as connection:
        assert maintained(connection, [ids[0]]) == recomputed(connection, [ids[0]])
        received = connection.scalar(
            select(ReceptionMonth.received_kg).where(ReceptionMonth.site_id == ids[0])
        )
    assert received == Decimal("3.000")
