"""Faults on the worker side: killed workers and a stopped Redis lose no lot and duplicate nothing."""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
import redis
from celery import Celery
from sqlalchemy import func, select

from reuse.config import Settings
from reuse.models import Lot, Notification, Offer, OutboxMessage
from reuse.outbox import relay
from reuse.runtime import Runtime
from reuse.services.actor_directory import ActorDirectory
from reuse.services.lots import declare_lot
from reuse.services.matching import lots_left_declared, match_lot
from reuse.unit_of_work import UnitOfWork
from workers.app import create_app
from workers.publisher import CeleryPublisher

from builders import a_draft, a_site, an_actor, an_agent_of
from worker_process import (
    children_of,
    free_port,
    kill_group,
    shared_redis_database,
    start_beat,
    start_redis,
    start_worker,
    wait_for,
)

SHARED_REDIS_DB = "redis://127.0.0.1:6379/6"
VISIBILITY_TIMEOUT_S = "10"
REMATCH_AFTER_S = "15"  # a lost match task is made good by the beat within seconds here
MATCH_TASK = re.compile(r"Task reuse\.match_lot\[([^\]]+)\] (received|succeeded|raised|retry)")
WAVE_ONE = 3  # the territory's default wave size; each lot has four eligible actors

pytestmark = pytest.mark.slow


@dataclass
class Platform:
    """The declaring side, its worker-side processes, and where they log."""

    app: Celery
    settings: Settings
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def runtime(self) -> Runtime:
        found: Runtime = self.app.reuse_runtime
        return found

    def start_worker(self) -> subprocess.Popen[bytes]:
        n = len(self.processes)
        worker = start_worker(self.settings, self.logs / f"worker-{n}.log", name=f"faults-{n}")
        self.processes.append(worker)
        return worker

    def is_ready(self, worker: subprocess.Popen[bytes]) -> bool:
        n = self.processes.index(worker)
        return " ready." in (self.logs / f"worker-{n}.log").read_text(errors="replace")

    def logged(self) -> str:
        return "".join(log.read_text(errors="replace") for log in self.logs.glob("*.log"))

    def start_beat(self) -> None:
        self.processes.append(start_beat(self.settings, self.logs / "beat.log"))

    def stop(self) -> None:
        for process in self.processes:
            kill_group(process)
        self.runtime.engine.dispose()
        for log in sorted(self.logs.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}")


def platform_on(committed: Runtime, broker_url: str, tmp_path: Path) -> Platform:
    settings = Settings.from_env(
        {"REUSE_DATABASE_URL": committed.settings.database_url, "REUSE_BROKER_URL": broker_url,
         "REUSE_INSTANCE_PATH": str(tmp_path), "REUSE_VISIBILITY_TIMEOUT_S": VISIBILITY_TIMEOUT_S,
         "REUSE_REMATCH_AFTER_S": REMATCH_AFTER_S}
    )  # fmt: skip
    return Platform(create_app(settings), settings, tmp_path)


@dataclass(frozen=True)
class Place:
    agent_id: int
    site_id: int


def a_site_with_four_actors(runtime: Runtime) -> Place:
    with runtime.uow() as uow:
        site = a_site(uow.session)
        agent = an_agent_of(uow.session, site)
        for n in range(4):
            an_actor(uow.session, name=f"Ressourcerie {n}", lat=48.58 + n / 100, lon=-3.83)
        uow.commit()
        return Place(agent.id, site.id)


def declare(runtime: Runtime, place: Place, ago: timedelta = timedelta(0)) -> int:
    now = datetime.now(UTC) - ago
    draft = a_draft(available_from=now, deadline=now + timedelta(days=5))
    declared = declare_lot(
        runtime.uow(), by=place.agent_id, site_id=place.site_id, subcategory="mobilier.canape",
        draft=draft, now=now,
    )  # fmt: skip
    return declared.lot_id


def counts(runtime: Runtime, model: type[Offer] | type[Notification], lot_ids: list[int]) -> dict[int, tuple[int, int]]:  # fmt: skip
    """Per lot: how many rows of `model`, and how many distinct actors they are for."""
    query = (
        select(model.lot_id, func.count(), func.count(func.distinct(model.actor_id)))
        .where(model.lot_id.in_(lot_ids))
        .group_by(model.lot_id)
    )
    with runtime.sessions() as session:
        return {lot_id: (rows, actors) for lot_id, rows, actors in session.execute(query)}


def all_offered_and_notified(runtime: Runtime, lot_ids: list[int]) -> bool:
    expected = dict.fromkeys(lot_ids, (WAVE_ONE, WAVE_ONE))
    offered = counts(runtime, Offer, lot_ids)
    return offered == expected and counts(runtime, Notification, lot_ids) == expected


def shortfall(runtime: Runtime, lot_ids: list[int]) -> dict[str, object]:
    """The lots still short of their offers or notifications (for the failure message)."""
    offers, notes = counts(runtime, Offer, lot_ids), counts(runtime, Notification, lot_ids)
    expected = (WAVE_ONE, WAVE_ONE)
    return {
        "offers": {i: offers.get(i) for i in lot_ids if offers.get(i) != expected},
        "notifications": {i: notes.get(i) for i in lot_ids if notes.get(i) != expected},
    }


def offered(runtime: Runtime, lot_ids: list[int]) -> int:
    return len(counts(runtime, Offer, lot_ids))


@pytest.fixture
def on_shared_redis(committed: Runtime, tmp_path: Path) -> Iterator[Platform]:
    with shared_redis_database(SHARED_REDIS_DB):
        platform = platform_on(committed, SHARED_REDIS_DB, tmp_path)
        try:
            yield platform
        finally:
            platform.stop()


@dataclass
class Kills:
    children: int = 0
    workers_holding_messages: int = 0
    lot_ids: list[int] = field(default_factory=list)


def declare_and_kill(platform: Platform, place: Place, rounds: int, burst: int) -> Kills:
    """Each round: declare a burst of lots, then SIGKILL the pool children, or the whole
    worker (restarting one) while the burst is being processed."""
    rng, kills, unacked = random.Random(3), Kills(), redis.Redis.from_url(SHARED_REDIS_DB)
    worker = platform.start_worker()
    for round_ in range(rounds):
        assert wait_for(partial(platform.is_ready, worker), timeout=20)
        kills.lot_ids += [declare(platform.runtime, place) for _ in range(burst)]
        if round_ % 2 == 0:
            with holding(platform.runtime, kills.lot_ids[-1]):  # its match task waits for it
                wait_for(partial(match_in_flight, platform), timeout=5, every=0.01)
                time.sleep(0.1)
                kills.children += kill_pool_children(worker)
        else:
            time.sleep(rng.uniform(0.05, 0.2))
            kills.workers_holding_messages += unacked.hlen("unacked") > 0
            kill_group(worker)
            worker = platform.start_worker()
    return kills


@contextlib.contextmanager
def holding(runtime: Runtime, lot_id: int) -> Iterator[None]:
    """Hold a lot's row lock on PostgreSQL, the database's write lock on SQLite."""
    with runtime.engine.connect() as blocker:
        blocker.execute(select(Lot.id).where(Lot.id == lot_id).with_for_update())
        yield
        blocker.rollback()


def match_in_flight(platform: Platform) -> bool:
    """Whether the worker logged a match task received and not yet finished."""
    running: set[str] = set()
    for task, what in MATCH_TASK.findall(platform.logged()):
        (running.add if what == "received" else running.discard)(task)
    return bool(running)


def kill_pool_children(worker: subprocess.Popen[bytes]) -> int:
    killed = 0
    for child in children_of(worker.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
            killed += 1
    return killed


def test_lots_declared_while_workers_are_sigkilled_all_get_their_offers_exactly_once(
    on_shared_redis: Platform,
) -> None:
    platform = on_shared_redis
    place = a_site_with_four_actors(platform.runtime)
    platform.start_beat()
    kills = declare_and_kill(platform, place, rounds=6, burst=7)
    lot_ids = kills.lot_ids
    assert kills.children >= 3
    assert kills.workers_holding_messages >= 1, "a killed worker should hold unacked messages"
    # Held messages come back after the 10 s visibility timeout and the next restore scan.
    done = wait_for(lambda: all_offered_and_notified(platform.runtime, lot_ids), timeout=60)
    assert done, shortfall(platform.runtime, lot_ids)
    with platform.runtime.sessions() as session:
        statuses = session.scalars(select(Lot.status).where(Lot.id.in_(lot_ids))).all()
    assert sorted(set(statuses)) == ["offered"]
    assert "WorkerLostError" in platform.logged(), "a child should die in the middle of a task"


@dataclass
class PrivateRedis:
    """A Redis server of this test alone, stopped and started again on the same port."""

    directory: Path
    port: int = field(default_factory=free_port)
    server: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.server = start_redis(self.port, self.directory)

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=10)
            self.server = None


@pytest.fixture
def on_private_redis(committed: Runtime, tmp_path: Path) -> Iterator[tuple[Platform, PrivateRedis]]:
    broker = PrivateRedis(tmp_path)
    broker.start()
    platform = platform_on(committed, broker.url, tmp_path)
    try:
        yield platform, broker
    finally:
        platform.stop()
        broker.stop()


def waiting_in_outbox(runtime: Runtime, lot_ids: list[int]) -> int:
    query = select(func.count()).where(
        OutboxMessage.lot_id.in_(lot_ids), OutboxMessage.sent_at.is_(None)
    )
    with runtime.sessions() as session:
        return session.scalar(query) or 0


def test_lots_declared_while_redis_is_down_commit_at_once_and_get_offers_once_it_is_back(
    on_private_redis: tuple[Platform, PrivateRedis],
) -> None:
    platform, broker = on_private_redis
    place = a_site_with_four_actors(platform.runtime)
    platform.start_beat()
    platform.start_worker()
    first = declare(platform.runtime, place)
    assert wait_for(lambda: all_offered_and_notified(platform.runtime, [first]), timeout=30)
    broker.stop()
    lot_ids, durations = [], []
    for _ in range(10):
        started = time.monotonic()
        lot_ids.append(declare(platform.runtime, place))
        durations.append(time.monotonic() - started)
    assert max(durations) < 2.0, durations
    assert waiting_in_outbox(platform.runtime, lot_ids) == 10
    time.sleep(2)  # long enough for the worker and the beat to find the broker gone
    broker.start()
    done = wait_for(lambda: all_offered_and_notified(platform.runtime, lot_ids), timeout=60)
    assert done, shortfall(platform.runtime, lot_ids)


def declared_in(uow: UnitOfWork, place: Place, at: datetime) -> int:
    draft = a_draft(available_from=at, deadline=at + timedelta(days=5))
    return declare_lot(
        uow, by=place.agent_id, site_id=place.site_id, subcategory="mobilier.canape",
        draft=draft, now=at,
    ).lot_id  # fmt: skip


def test_only_lots_left_declared_beyond_the_delay_are_matched_again(uow: UnitOfWork) -> None:
    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    with uow:
        site = a_site(uow.session)
        agent = an_agent_of(uow.session, site)
        an_actor(uow.session)
        uow.commit()
        place = Place(agent.id, site.id)
    stalled = declared_in(uow, place, now - timedelta(minutes=4))
    declared_in(uow, place, now - timedelta(minutes=2))
    matched = declared_in(uow, place, now - timedelta(minutes=10))
    match_lot(uow, ActorDirectory(), lot_id=matched, now=now - timedelta(minutes=10))
    assert lots_left_declared(uow, older_than=timedelta(minutes=3), now=now) == [stalled]


def test_a_lot_whose_match_task_the_broker_lost_gets_its_offers_from_the_periodic_rematch(
    on_private_redis: tuple[Platform, PrivateRedis],
) -> None:
    platform, broker = on_private_redis
    place = a_site_with_four_actors(platform.runtime)
    lot_id = declare(platform.runtime, place, ago=timedelta(minutes=1))
    assert waiting_in_outbox(platform.runtime, [lot_id]) == 0  # its match task was published
    broker.stop()  # a memory-only Redis restarted: the queued match task is gone for good
    broker.start()
    platform.start_worker()
    platform.app.send_task("reuse.rematch_stalled_lots")  # what the beat sends every minute
    assert wait_for(lambda: all_offered_and_notified(platform.runtime, [lot_id]), timeout=30)
    assert waiting_in_outbox(platform.runtime, [lot_id]) == 0


def test_a_match_task_stopped_at_its_time_limit_runs_again_and_the_lot_gets_its_offers(
    on_private_redis: tuple[Platform, PrivateRedis],
) -> None:
    platform, _ = on_private_redis  # a 10 s visibility timeout: 2 s time limit, 1 s soft
    place = a_site_with_four_actors(platform.runtime)
    lot_id = declared_in(
        UnitOfWork(platform.runtime.sessions), place, datetime.now(UTC)
    )  # no relay hook: the match task is published below, before any worker runs
    assert relay(platform.runtime.sessions, CeleryPublisher(platform.app)).published == 1
    with platform.runtime.engine.connect() as blocker:
        # The lot's row lock on PostgreSQL, the database's write lock on SQLite.
        blocker.execute(select(Lot.id).where(Lot.id == lot_id).with_for_update())
        platform.start_worker()
        assert wait_for(lambda: "TimeLimitExceeded" in platform.logged(), timeout=45)
        blocker.rollback()
    assert wait_for(lambda: all_offered_and_notified(platform.runtime, [lot_id]), timeout=45)
