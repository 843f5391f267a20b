"""The Morlaix demo seed: idempotent, consistent with the lifecycle, and believable figures.

The demo is seeded once for the module inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from reuse.demo import DemoSummary, ReferenceDataMissing, seed_demo
from reuse.demo.today import TODAYS_LOTS
from reuse.domain.lifecycle import TRANSITIONS
from reuse.models import (
    Actor,
    ActorWeek,
    Base,
    Category,
    Claim,
    Co2Factor,
    Commune,
    FactorSet,
    Lot,
    OutboxMessage,
    OutcomeLine,
    Reception,
    Site,
    StatusLogEntry,
    Subcategory,
    Territory,
)
from reuse.runtime import Runtime
from reuse.unit_of_work import UnitOfWork

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
LEGAL = {(before.value, after.value) for (before, _), after in TRANSITIONS.items()}
EVENTS = {
    "LotDeclared", "OffersSent", "OfferClaimed", "PickupBooked", "ClaimReceived",
    "OutcomeReported", "LotExpired", "LotCancelled", "LotUnmatched",
}  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    sessions: sessionmaker[Session]
    first: DemoSummary
    second: DemoSummary
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]


def row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


@pytest.fixture(scope="module")
def seeded(runtime: Runtime) -> Iterator[Seeded]:
    """The demo seeded twice in one rolled-back transaction, with row counts after each run."""
    with runtime.engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        first = seed_demo(UnitOfWork(sessions), now=NOW)
        with sessions() as session:
            after_first = row_counts(session)
        second = seed_demo(UnitOfWork(sessions), now=NOW)
        with sessions() as session:
            after_second = row_counts(session)
        yield Seeded(sessions, first, second, after_first, after_second)
        outer.rollback()


@pytest.fixture
def session(seeded: Seeded) -> Iterator[Session]:
    with seeded.sessions() as session:
        yield session


def paris_months(now: datetime) -> list[tuple[datetime, datetime]]:
    """UTC bounds of the 12 Paris calendar months before `now`'s month."""
    local = now.astimezone(PARIS)
    firsts = [date(local.year, local.month, 1)]
    for _ in range(12):
        first = firsts[-1]
        firsts.append(date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1))
    starts = [datetime.combine(d, time(), tzinfo=PARIS).astimezone(UTC) for d in firsts]
    return list(zip(starts[:0:-1], starts[-2::-1], strict=True))


def test_seeding_twice_creates_nothing_new(seeded: Seeded) -> None:
    assert seeded.first.history_created
    assert not seeded.second.history_created
    assert seeded.counts_after_second == seeded.counts_after_first
    assert seeded.second == DemoSummary(**{**seeded.first.__dict__, "history_created": False})


def test_the_summary_gives_one_login_per_role_with_passwords_long_enough(seeded: Seeded) -> None:
    roles = sorted(login.role for login in seeded.first.users)
    assert roles == ["admin", "agent", "agent", "recycler", "recycler", "territory_viewer"]
    assert all(len(login.password) >= 10 for login in seeded.first.users)
    assert seeded.first.lots > 1000


def test_the_demo_territory_has_its_26_communes_and_its_sites(session: Session) -> None:
    territory = session.scalars(select(Territory).where(Territory.siren == "242900835")).one()
    communes = session.scalar(
        select(func.count()).select_from(Commune).where(Commune.territory_id == territory.id)
    )
    sites = session.scalars(select(Site).where(Site.territory_id == territory.id)).all()
    assert (territory.name, communes, len(sites)) == ("Morlaix Communauté", 26, 8)
    assert all(site.coordinates_approximate for site in sites)


def test_every_lot_status_is_explained_by_legal_status_log_rows(session: Session) -> None:
    statuses = {lot_id: status for lot_id, status in session.execute(select(Lot.id, Lot.status))}
    log = session.execute(
        select(
            StatusLogEntry.lot_id, StatusLogEntry.from_status, StatusLogEntry.to_status
        ).order_by(StatusLogEntry.lot_id, StatusLogEntry.id)
    )
    last: dict[int, str] = {}
    for lot_id, before, after in log:
        if before is None:
            assert after == "declared"
            assert lot_id not in last
        else:
            assert (before, after) in LEGAL
            assert last[lot_id] == before
        last[lot_id] = after
    assert last == statuses


def test_every_status_change_of_the_history_has_an_event_already_sent(session: Session) -> None:
    unsent = session.scalars(
        select(OutboxMessage.name).where(OutboxMessage.sent_at.is_(None))
    ).all()
    names = set(session.scalars(select(OutboxMessage.name).distinct()))
    orphan_logs = session.scalar(
        select(func.count())
        .select_from(StatusLogEntry)
        .outerjoin(OutboxMessage, OutboxMessage.event_id == StatusLogEntry.event_id)
        .where(OutboxMessage.id.is_(None))
    )
    latest = session.scalar(select(func.max(OutboxMessage.occurred_at)))
    assert (unsent, orphan_logs, names) == (["LotDeclared"] * len(TODAYS_LOTS), 0, EVENTS)
    assert latest == NOW


def test_todays_lots_wait_declared_for_the_worker_to_match_them(session: Session) -> None:
    today = session.scalars(select(Lot).where(Lot.declared_at == NOW)).all()
    assert len(today) == len(TODAYS_LOTS)
    assert {lot.status for lot in today} == {"declared"}
    assert all(lot.deadline > NOW for lot in today)


def test_every_month_of_the_year_diverts_between_3_and_25_tonnes(session: Session) -> None:
    diverted = [
        session.scalar(
            select(func.sum(Reception.measured_kg)).where(
                Reception.received_at >= start, Reception.received_at < end
            )
        )
        for start, end in paris_months(NOW)
    ]
    assert all(kg is not None and Decimal(3000) <= kg <= Decimal(25000) for kg in diverted), (
        diverted
    )


def test_about_three_lots_in_four_are_claimed(session: Session) -> None:
    lots = session.scalar(select(func.count()).select_from(Lot)) or 0
    claimed = session.scalar(select(func.count(func.distinct(Claim.lot_id)))) or 0
    assert 0.70 <= claimed / lots <= 0.85


def test_furniture_is_the_largest_category_by_received_weight(session: Session) -> None:
    by_category = session.execute(
        select(Category.slug, func.sum(Reception.measured_kg))
        .join(Claim, Claim.id == Reception.claim_id)
        .join(Lot, Lot.id == Claim.lot_id)
        .join(Subcategory, Subcategory.id == Lot.subcategory_id)
        .join(Category, Category.id == Subcategory.category_id)
        .group_by(Category.slug)
        .order_by(func.sum(Reception.measured_kg).desc())
    ).all()
    assert by_category[0][0] == "mobilier"


def test_outcomes_of_a_reception_never_exceed_its_measured_weight(session: Session) -> None:
    reported = (
        select(OutcomeLine.reception_id, func.sum(OutcomeLine.kg).label("kg"))
        .group_by(OutcomeLine.reception_id)
        .subquery()
    )
    over = session.scalar(
        select(func.count())
        .select_from(Reception)
        .join(reported, reported.c.reception_id == Reception.id)
        .where(reported.c.kg > Reception.measured_kg)
    )
    unreported = session.scalar(
        select(func.count())
        .select_from(Reception)
        .outerjoin(reported)
        .where(reported.c.kg.is_(None))
    )
    assert (over, unreported) == (0, 0)


def test_claimed_kg_per_actor_week_never_exceed_capacity_and_match_the_actor_weeks(
    session: Session,
) -> None:
    claimed = session.execute(
        select(Claim.actor_id, Claim.week_start, func.sum(Claim.kg), Actor.weekly_capacity_kg)
        .join(Actor, Actor.id == Claim.actor_id)
        .group_by(Claim.actor_id, Claim.week_start, Actor.weekly_capacity_kg)
    ).all()
    weeks = {(w.actor_id, w.week_start): w.claimed_kg for w in session.scalars(select(ActorWeek))}
    assert all(total <= capacity for _, _, total, capacity in claimed)
    assert {(a, w): total for a, w, total, _ in claimed} == weeks


def test_seeding_without_reference_data_is_refused_with_a_clear_message(seeded: Seeded) -> None:
    # The deletions live in this session's savepoint, which the seed's unit of work rolls back.
    with seeded.sessions() as session:
        session.execute(delete(Co2Factor))
        session.execute(delete(FactorSet))
        with pytest.raises(ReferenceDataMissing, match="reuse refdata load"):
            seed_demo(UnitOfWork(lambda: session), now=NOW)  # type: ignore[arg-type]
    with seeded.sessions() as session:
        assert session.get(FactorSet, "v1") is not None
