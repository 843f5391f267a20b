"""A real Celery worker process turns a declared lot into ranked, explained offers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from celery import Celery
from sqlalchemy import select

from reuse.config import Settings
from reuse.models import Lot, Notification, Offer
from reuse.runtime import Runtime
from reuse.services.lots import declare_lot
from workers.app import create_app

from builders import a_draft, a_site, an_actor, an_agent_of
from worker_process import shared_redis_database, start_worker, stop, wait_for

REDIS_URL = "redis://127.0.0.1:6379/5"


@pytest.fixture(params=["redis", "sqlite-transport"])
def platform(request, committed: Runtime, tmp_path: Path) -> Iterator[Celery]:  # type: ignore[no-untyped-def]
    """The declaring side (an app whose commits relay their events) and a worker process."""
    if request.param == "redis":
        held, broker = shared_redis_database(REDIS_URL), REDIS_URL
    else:
        held, broker = contextlib.nullcontext(), f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    settings = Settings.from_env(
        {"REUSE_DATABASE_URL": committed.settings.database_url, "REUSE_BROKER_URL": broker,
         "REUSE_INSTANCE_PATH": str(tmp_path)}
    )  # fmt: skip
    with held:
        app = create_app(settings)
        worker = start_worker(settings, tmp_path / "worker.log")
        yield app
        stop(worker)
    app.reuse_runtime.engine.dispose()
    print((tmp_path / "worker.log").read_text()[-3000:])


def offers_of(runtime: Runtime, lot_id: int) -> list[Offer]:
    with runtime.sessions() as session:
        query = select(Offer).where(Offer.lot_id == lot_id).order_by(Offer.rank)
        return list(session.scalars(query))


def test_a_declared_lot_reaches_the_best_actors_as_offers_with_their_reasons(
    platform: Celery,
) -> None:
    runtime: Runtime = platform.reuse_runtime
    with runtime.uow() as uow:
        site = a_site(uow.session)
        agent = an_agent_of(uow.session, site)
        near = an_actor(uow.session, name="Ressourcerie du port", lat=48.59, lon=-3.83)
        an_actor(uow.session, name="Recyclerie des monts", lat=48.45, lon=-3.90)
        an_actor(uow.session, name="Trop loin", lat=47.99, lon=-4.10)
        uow.commit()
        ids = agent.id, site.id, near.id
    now = datetime.now(UTC)
    draft = a_draft(available_from=now, deadline=now + timedelta(days=5))
    declared = declare_lot(
        runtime.uow(), by=ids[0], site_id=ids[1], subcategory="mobilier.canape", draft=draft
    )
    assert wait_for(lambda: len(offers_of(runtime, declared.lot_id)) == 2, timeout=45)
    offers = offers_of(runtime, declared.lot_id)
    assert offers[0].actor_id == ids[2]
    assert offers[0].reasons[0].endswith("km")
    assert any("Canapés" in reason for reason in offers[0].reasons)
    assert offers[0].score >= offers[1].score > Decimal(0)
    with runtime.sessions() as session:
        assert session.get(Lot, declared.lot_id).status == "offered"


def notifications_of(runtime: Runtime, lot_id: int) -> list[Notification]:
    with runtime.sessions() as session:
        return list(session.scalars(select(Notification).where(Notification.lot_id == lot_id)))


def test_each_offer_is_notified_once_in_app_and_by_e_mail(platform: Celery) -> None:
    runtime: Runtime = platform.reuse_runtime
    with runtime.uow() as uow:
        site = a_site(uow.session)
        agent = an_agent_of(uow.session, site)
        an_actor(uow.session, contact_email="ressourcerie@example.org")
        uow.commit()
        ids = agent.id, site.id
    now = datetime.now(UTC)
    draft = a_draft(available_from=now, deadline=now + timedelta(days=5))
    declared = declare_lot(
        runtime.uow(), by=ids[0], site_id=ids[1], subcategory="mobilier.canape", draft=draft
    )
    assert wait_for(lambda: len(notifications_of(runtime, declared.lot_id)) == 1, timeout=45)
    mails = runtime.settings.mail_folder
    assert wait_for(lambda: len(list(mails.glob("*.eml"))) == 1, timeout=10)
    assert "ressourcerie@example.org" in next(mails.glob("*.eml")).read_text()
