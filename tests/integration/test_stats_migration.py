"""Upgrading a populated embedded database: migration 0006 gives existing receptions their
lot's site, and the upgrade through 0008 fills the new monthly rollups from the rows.

SQLite rebuilds the reception table to add the column, while outcome lines reference it: the
rebuild must keep every row and every reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from reuse.config import Settings
from reuse.migrate import upgrade
from reuse.models import Claim, Lot, LotMonth, Offer, OutcomeLine, Reception, ReceptionMonth, Site
from reuse.runtime import Runtime
from reuse.services.actor_directory import BELOW_DIRECTORY_VERSION
from reuse.services.refdata import load_reference_data
from reuse.stats.rollups import BELOW_ROLLUPS, raw

from builders import a_site, a_subcategory, a_territory, an_actor

AT = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def an_old_reception(session: Session, site: Site, sub: int, actor: int, grams: int) -> None:
    """A lot claimed and received, the reception written as revision 0005 stored it."""
    lot = Lot(site_id=site.id, subcategory_id=sub, estimated_kg=grams / 1000, condition="as_is",
              photos=[], available_from=AT, deadline=AT.replace(day=25), status="closed",
              remaining_kg=0, declared_at=AT, updated_at=AT)  # fmt: skip
    offer = Offer(lot=lot, actor_id=actor, wave=1, rank=1, distance_km=1, score=1, reasons=[],
                  status="claimed", sent_at=AT)  # fmt: skip
    claim = Claim(lot=lot, offer=offer, actor_id=actor, kg=grams / 1000, status="received",
                  week_start=AT.date(), claimed_at=AT)  # fmt: skip
    session.add_all([lot, offer, claim])
    session.flush()
    session.execute(
        text("INSERT INTO reception (claim_id, measured_kg, received_at, note) "
             "VALUES (:claim, :grams, :at, '')"),
        {"claim": claim.id, "grams": grams, "at": AT.replace(tzinfo=None)},
    )  # fmt: skip
    session.execute(
        text("INSERT INTO outcome_line (reception_id, outcome_slug, kg, reported_at, note) "
             "SELECT id, 'reemploi', measured_kg, received_at, '' FROM reception "
             "WHERE claim_id = :claim"),
        {"claim": claim.id},
    )  # fmt: skip


@pytest.fixture
def upgraded(tmp_path: Path) -> Iterator[tuple[Runtime, list[Site]]]:
    """An embedded database populated at revision 0005, then upgraded to the head."""
    settings = Settings.from_env({"REUSE_INSTANCE_PATH": str(tmp_path)})
    runtime = Runtime.start(settings)
    upgrade(runtime.engine, "0005")
    load_reference_data(runtime.uow())
    with runtime.sessions(info={BELOW_ROLLUPS: True, BELOW_DIRECTORY_VERSION: True}) as session:
        territory = a_territory(session)
        sites = [a_site(session, territory) for _ in range(2)]
        sub, actor = a_subcategory(session).id, an_actor(session).id
        for n, site in enumerate(sites * 2):
            an_old_reception(session, site, sub, actor, 1000 * (n + 1))
        session.commit()
    upgrade(runtime.engine)
    yield runtime, sites
    runtime.engine.dispose()


def test_a_populated_embedded_database_upgrades_and_its_receptions_get_their_lots_site(
    upgraded: tuple[Runtime, list[Site]],
) -> None:
    runtime, sites = upgraded
    with runtime.sessions() as session:
        placed = session.execute(
            select(Reception.site_id, Lot.site_id, Reception.measured_kg)
            .join(Claim, Claim.id == Reception.claim_id)
            .join(Lot, Lot.id == Claim.lot_id)
            .order_by(Reception.id)
        ).all()
        lines = session.scalar(select(func.count()).select_from(OutcomeLine))
        broken = session.execute(text("PRAGMA foreign_key_check")).all()
    assert [(got, wanted) for got, wanted, _ in placed] == [(s.id, s.id) for s in sites * 2]
    assert [str(kg) for _, _, kg in placed] == ["1.000", "2.000", "3.000", "4.000"]
    assert (lines, broken) == (4, [])


def test_the_upgrade_that_creates_the_rollups_fills_them_from_the_rows_already_there(
    upgraded: tuple[Runtime, list[Site]],
) -> None:
    runtime, sites = upgraded
    with runtime.engine.connect() as connection:
        lots = connection.execute(
            select(
                LotMonth.site_id, LotMonth.month, LotMonth.lots, raw(LotMonth.declared_kg)
            ).order_by(LotMonth.site_id)
        ).all()
        received = connection.execute(
            select(ReceptionMonth.site_id, raw(ReceptionMonth.received_kg),
                   raw(ReceptionMonth.reuse_kg), ReceptionMonth.receptions)
            .order_by(ReceptionMonth.site_id)
        ).all()  # fmt: skip
    # Site 1 holds the receptions of 1 and 3 kg, site 2 those of 2 and 4 kg, all in January.
    assert [tuple(row) for row in lots] == [(sites[0].id, "2026-01", 2, 4000),
                                           (sites[1].id, "2026-01", 2, 6000)]  # fmt: skip
    assert [tuple(row) for row in received] == [(sites[0].id, 4000, 4000, 2),
                                               (sites[1].id, 6000, 6000, 2)]  # fmt: skip
