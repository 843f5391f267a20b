"""`reuse bench api`: a realistic mix of API calls at a fixed rate on the production topology.

Against the configured database and broker, the bench territory of `reuse bench pipeline` gets
a recycler per actor and a territory viewer, each with an API token. Then gunicorn, two Celery
workers and beat are started (or `--url` names a running front), and threads send requests on
an open-loop schedule: each request has its start time, and its latency is counted from that
time, so a slow server cannot slow the schedule down and hide its own queueing.
"""

from __future__ import annotations

import json
import os
import random
import socket
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from math import ceil
from pathlib import Path
from typing import Any

import click
from kombu.utils.url import maybe_sanitize_url
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from reuse.benchmarks.cpu import Selector, cpu_seconds, in_groups, named, this_process
from reuse.domain.errors import DomainError
from reuse.domain.vocabulary import Role
from reuse.models import Actor, Membership, Territory, User
from reuse.runtime import Runtime
from reuse.services.tokens import issue_api_token
from web.api_client import ApiClient, Reply
from web.topology import WEB, WORKER, running_topology
from workers.bench_territory import NO_LOGIN, SLUG, prepare_bench_place

# What a day of the platform looks like from the API: mostly reads, some declarations, claims.
MIX: dict[str, float] = {
    "lots": 0.25,  # an agent's lot list
    "lot": 0.15,  # one lot with its timeline
    "offers": 0.25,  # a recycler's open offers
    "stats": 0.15,  # the territory's monthly figures
    "declare": 0.10,
    "claim": 0.10,
}
READS = frozenset({"lots", "lot", "offers", "stats"})
CLAIM_KG = "0.5"
LOT_KG = "40"
THREADS = 64
READY_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Callers:
    """The bench's users as API clients' tokens, and where they act."""

    agent: str
    viewer: str
    recyclers: tuple[str, ...]
    site_id: int
    territory_id: int
    subcategory: str


@dataclass
class Pools:
    """What the load learns as it goes: lots to read, open offers to claim (by recycler)."""

    lots: deque[int] = field(default_factory=lambda: deque(maxlen=500))
    offers: dict[int, deque[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_offers(self, recycler: int, items: Sequence[dict[str, Any]]) -> None:
        claimable = [
            o["id"] for o in items if float(o["lot"]["remaining_kg"]) >= 2 * float(CLAIM_KG)
        ]
        with self.lock:
            known = self.offers.setdefault(recycler, deque(maxlen=200))
            known.extend(i for i in claimable if i not in known)

    def take_offer(self, pick: random.Random) -> tuple[int, int] | None:
        with self.lock:
            holders = [r for r, known in self.offers.items() if known]
            if not holders:
                return None
            recycler = pick.choice(holders)
            return recycler, self.offers[recycler].popleft()

    def give_back(self, recycler: int, offer_id: int) -> None:
        with self.lock:
            self.offers[recycler].append(offer_id)


@dataclass(frozen=True)
class Sample:
    kind: str
    status: int
    sent_at: float
    latency_ms: float


@dataclass
class Load:
    """One thread's view of the bench: its clients, the shared pools and its random draws."""

    url: str
    callers: Callers
    pools: Pools
    pick: random.Random
    clients: dict[str, ApiClient] = field(default_factory=dict)

    def client(self, token: str) -> ApiClient:
        if token not in self.clients:
            self.clients[token] = ApiClient(self.url, token=token, timeout_s=30.0)
        return self.clients[token]

    def send(self, kind: str) -> tuple[str, Reply]:
        """Make one call of `kind`, learning lots and offers from the answers; a claim with no
        open offer known becomes a read of offers. Return the kind sent and the reply."""
        if kind == "claim":
            taken = self.pools.take_offer(self.pick)
            return ("claim", self.claim(*taken)) if taken else ("offers", self.offers())
        return kind, CALLS[kind](self)

    def lots(self) -> Reply:
        return self.client(self.callers.agent).call("GET", "/api/lots?per_page=25")

    def lot(self) -> Reply:
        with self.pools.lock:
            lot_id = self.pick.choice(self.pools.lots) if self.pools.lots else None
        if lot_id is None:
            return self.lots()
        return self.client(self.callers.agent).call("GET", f"/api/lots/{lot_id}")

    def offers(self) -> Reply:
        recycler = self.pick.randrange(len(self.callers.recyclers))
        reply = self.client(self.callers.recyclers[recycler]).call(
            "GET", "/api/offers?status=open&per_page=20"
        )
        if reply.ok:
            self.pools.add_offers(recycler, reply.body["items"])
        return reply

    def stats(self) -> Reply:
        path = f"/api/territories/{self.callers.territory_id}/stats"
        return self.client(self.callers.viewer).call("GET", path)

    def declare(self) -> Reply:
        body = {"site_id": self.callers.site_id, "subcategory": self.callers.subcategory,
                "condition": "as_is", "estimated_kg": LOT_KG, "item_count": 1,
                "description": "Canapé du banc d'essai de l'API"}  # fmt: skip
        reply = self.client(self.callers.agent).call("POST", "/api/lots", body)
        if reply.ok:
            with self.pools.lock:
                self.pools.lots.append(reply.body["lot_id"])
        return reply

    def claim(self, recycler: int, offer_id: int) -> Reply:
        reply = self.client(self.callers.recyclers[recycler]).call(
            "POST", f"/api/offers/{offer_id}/claims", {"kg": CLAIM_KG}
        )
        if reply.ok and float(reply.body["lot_remaining_kg"]) >= 2 * float(CLAIM_KG):
            self.pools.give_back(recycler, offer_id)
        return reply


CALLS: dict[str, Callable[[Load], Reply]] = {
    "lots": Load.lots, "lot": Load.lot, "offers": Load.offers, "stats": Load.stats,
    "declare": Load.declare,
}  # fmt: skip


def prepare_callers(runtime: Runtime) -> Callers:
    """The bench territory with a recycler for each of its actors and a viewer, with tokens."""
    place = prepare_bench_place(runtime.uow())
    with runtime.uow() as uow:
        territory_id, actor_ids = _bench_ids(uow.session)
        recyclers = [_user(uow.session, f"{SLUG}-recycler-{n}@reuse.invalid", Role.RECYCLER,
                           actor_id=actor_id) for n, actor_id in enumerate(actor_ids)]  # fmt: skip
        viewer = _user(uow.session, f"{SLUG}-viewer@reuse.invalid", Role.TERRITORY_VIEWER,
                       territory_id=territory_id)  # fmt: skip
        uow.commit()
        user_ids = place.agent_id, viewer.id, [r.id for r in recyclers]
    agent, viewer_token, *recycler_tokens = (
        _token(runtime, user_id) for user_id in (user_ids[0], user_ids[1], *user_ids[2])
    )
    return Callers(agent, viewer_token, tuple(recycler_tokens), place.site_id, territory_id,
                   place.subcategory)  # fmt: skip


def _bench_ids(session: Session) -> tuple[int, list[int]]:
    territory_id = session.scalar(select(Territory.id).where(Territory.slug == SLUG))
    assert territory_id is not None  # prepare_bench_place made it
    actors = select(Actor.id).where(Actor.slug.startswith(f"{SLUG}-actor-")).order_by(Actor.id)
    return territory_id, list(session.scalars(actors))


def _user(session: Session, email: str, role: Role, **scope: int) -> User:
    found = session.scalar(select(User).where(User.email == email))
    if found is None:
        found = User(email=email, display_name="Banc d'essai de l'API", password_hash=NO_LOGIN,
                     created_at=datetime.now(UTC),
                     memberships=[Membership(role=role.value, **scope)])  # fmt: skip
        session.add(found)
        session.flush()
    return found


def _token(runtime: Runtime, user_id: int) -> str:
    issued = issue_api_token(runtime.uow(), user_id=user_id, name="reuse bench api",
                             scopes=["read", "write"], valid_for=timedelta(hours=2))  # fmt: skip
    return issued.secret


def schedule(rate: float, seconds: float, seed: int) -> list[str]:
    """The kinds of the requests to send, one every 1/rate seconds, drawn from the mix."""
    draw = random.Random(seed)
    kinds, weights = list(MIX), list(MIX.values())
    return draw.choices(kinds, weights, k=round(rate * seconds))


def drive(
    url: str, callers: Callers, pools: Pools, kinds: Sequence[str], rate: float
) -> list[Sample]:
    """Send `kinds` at `rate` from THREADS threads; latencies count from each scheduled time."""
    samples: list[Sample] = []
    started = time.perf_counter() + 0.2
    lock = threading.Lock()

    def run(offset: int) -> None:
        load = Load(url, callers, pools, random.Random(offset))
        mine = []
        for n in range(offset, len(kinds), THREADS):
            due = started + n / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            sent_at, kind = time.perf_counter(), kinds[n]
            try:
                kind, reply = load.send(kind)
                status = reply.status
            except (OSError, ValueError):
                status = 0  # no answer, or not one the API gives
            mine.append(Sample(kind, status, sent_at, (time.perf_counter() - due) * 1000))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def warm_up(url: str, callers: Callers, pools: Pools, rate: float, seconds: float) -> None:
    """Declare until offers reach the recyclers (the workers answer), then load unmeasured."""
    load = Load(url, callers, pools, random.Random(0))
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not any(pools.offers.values()):
        if time.monotonic() > deadline:
            raise click.ClickException("no offer reached the recyclers within a minute")
        load.declare()
        for _ in callers.recyclers:
            load.offers()
        time.sleep(0.5)
    drive(url, callers, pools, schedule(rate, seconds, seed=1), rate)


def refresh_planner_statistics(runtime: Runtime) -> None:
    """On PostgreSQL, ANALYZE the tables the warm-up filled, as autovacuum would have done in
    production by then: plans chosen for empty tables would be measured, not the platform's."""
    if runtime.settings.is_sqlite:
        return
    with runtime.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no samples)."""
    ordered = sorted(samples)
    return ordered[max(0, ceil(fraction * len(ordered)) - 1)] if ordered else 0.0


def figures(
    samples: Sequence[Sample], rate: float, cpu_s: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """The bench's summary: the JSON keys first, then details; with the CPU seconds each kind
    of process used while sending, the CPU milliseconds per request and the rate the machine's
    cores could serve if they all did nothing else."""
    sending_s = max(s.sent_at for s in samples) - min(s.sent_at for s in samples) + 1 / rate
    reads = [s.latency_ms for s in samples if s.kind in READS]
    claims = [s.latency_ms for s in samples if s.kind == "claim"]
    declarations = [s.latency_ms for s in samples if s.kind == "declare"]
    failed = [s for s in samples if not 200 <= s.status < 300]
    return {
        "rate": round(len(samples) / sending_s, 1),
        "requests": len(samples),
        "errors": len(failed),
        "read_p95_ms": round(percentile(reads, 0.95), 1),
        "claim_p95_ms": round(percentile(claims, 0.95), 1),
        "read_p50_ms": round(percentile(reads, 0.50), 1),
        "read_p99_ms": round(percentile(reads, 0.99), 1),
        "claim_p50_ms": round(percentile(claims, 0.50), 1),
        "declare_p95_ms": round(percentile(declarations, 0.95), 1),
        "target_rate": rate,
        "by_kind": {kind: sum(s.kind == kind for s in samples) for kind in MIX},
        "errors_by_status": dict(sorted(Counter(str(s.status) for s in failed).items())),
        "load_average": [round(n, 2) for n in os.getloadavg()],
    } | _cpu_figures(cpu_s or {}, len(samples))


def _cpu_figures(cpu_s: Mapping[str, float], requests: int) -> dict[str, Any]:
    if not cpu_s or not requests:
        return {}
    per_request = {kind: round(1000 * s / requests, 2) for kind, s in cpu_s.items()}
    total_ms = sum(cpu_s.values()) * 1000 / requests
    cores = os.cpu_count() or 1
    return {
        "cpu_ms_per_request": per_request,
        "cpu_ms_per_request_total": round(total_ms, 2),
        "cores": cores,
        "rate_at_full_cpu": round(cores * 1000 / total_ms, 1) if total_ms else None,
    }


@dataclass(frozen=True)
class Front:
    """The web front the bench loads, how it was set up, and the kinds of processes whose CPU
    time the bench counts (those it started, this one, and a local PostgreSQL's)."""

    url: str
    setup: str
    processes: dict[str, Selector]


@contextmanager
def front(runtime: Runtime, url: str | None) -> Iterator[Front]:
    """The web front to load: the given URL, or the production topology started here."""
    measured = {"load": this_process(), "postgres": named("postgres")}
    if url:
        yield Front(url.rstrip("/"), "external", measured)
        return
    settings = runtime.settings
    logs = Path(tempfile.mkdtemp(prefix="reuse-bench-api-"))
    with running_topology(logs, settings.instance_path, _free_port()) as topology:
        started = {
            kind: in_groups(
                {p.pid for name, p in topology.processes.items() if name.startswith(kind)}
            )
            for kind in ("web", "worker", "beat")
        }
        setup = (
            f"gunicorn {' '.join(WEB[3:5])} + 2 x `{' '.join(WORKER[3:])}` + beat; "
            f"database {make_url(settings.database_url).render_as_string(hide_password=True)}, "
            f"broker {maybe_sanitize_url(settings.broker_url)}, logs in {logs}"
        )
        yield Front(topology.url, setup, started | measured)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _echo(found: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(found))
        return
    width = max(map(len, found))
    for name, value in found.items():
        click.echo(f"{name:<{width}}  {value}")


@click.command("api")
@click.option("--rate", default=200.0, show_default=True, help="Requests per second.")
@click.option("--seconds", default=30.0, show_default=True, help="How long to measure.")
@click.option("--warmup", default=5.0, show_default=True, help="Unmeasured seconds first.")
@click.option("--url", help="A running web front (default: start the production topology).")
@click.option("--seed", default=2026, show_default=True, help="Seed of the request mix.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def api(
    runtime: Runtime, rate: float, seconds: float, warmup: float, url: str | None, seed: int,
    as_json: bool,
) -> None:  # fmt: skip
    """Send a realistic mix of API calls (reads, declarations, claims) at a fixed rate."""
    try:
        callers = prepare_callers(runtime)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    pools = Pools()
    with front(runtime, url) as loaded:
        warm_up(loaded.url, callers, pools, rate, warmup)
        refresh_planner_statistics(runtime)
        before = cpu_seconds(loaded.processes)
        samples = drive(loaded.url, callers, pools, schedule(rate, seconds, seed), rate)
        after = cpu_seconds(loaded.processes)
    used = {kind: after[kind] - before[kind] for kind in after}
    _echo(figures(samples, rate, used) | {"setup": loaded.setup}, as_json)
