"""`reuse bench pipeline`: declarations through the real path, timed from commit to offers.

Use case → outbox → relay after commit → broker → worker match → offers committed, against
the configured database and broker, with worker processes started here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from math import ceil
from pathlib import Path
from typing import Any

import click
from celery import Celery
from kombu.utils.url import maybe_sanitize_url
from sqlalchemy.engine import make_url

from reuse.db import read_only
from reuse.domain.errors import DomainError
from reuse.domain.lots import LotDraft
from reuse.models import OutboxMessage
from reuse.runtime import Runtime
from reuse.services.lots import declare_lot
from reuse.unit_of_work import AfterCommit
from workers.app import create_app
from workers.bench_territory import BenchPlace, prepare_bench_place
from workers.offer_watch import OfferWatch

POLL_EVERY_S = 0.002
DECLARING_THREADS = 4
READY_TIMEOUT_S = 60.0
WORKER_FLAGS = ["--loglevel=WARNING", "-Q", "reuse"]


@dataclass(frozen=True)
class Load:
    rate: float
    seconds: float
    warmup_s: float
    grace_s: float


@dataclass
class Bench:
    """The declaring side: an app whose commits relay their events, and the offer watch."""

    app: Celery
    place: BenchPlace
    watch: OfferWatch

    @property
    def runtime(self) -> Runtime:
        found: Runtime = self.app.reuse_runtime
        return found

    def declare(self) -> tuple[int, float]:
        """Declare one lot through the use case; return its id and the call's milliseconds."""
        now = datetime.now(UTC)
        draft = LotDraft(
            condition="as_is", available_from=now, deadline=now + timedelta(days=5),
            estimated_kg=Decimal(40), item_count=1, description="Canapé du banc d'essai",
        )  # fmt: skip
        started = time.perf_counter()
        declared = declare_lot(
            self.runtime.uow(), by=self.place.agent_id, site_id=self.place.site_id,
            subcategory=self.place.subcategory, draft=draft, now=now,
        )  # fmt: skip
        return declared.lot_id, (time.perf_counter() - started) * 1000


def declare_at_rate(bench: Bench, rate: float, seconds: float) -> tuple[list[int], list[float]]:
    """Declare lots every 1/rate seconds for `seconds`; return their ids and call durations.

    The calls come from a few threads, as a web server's concurrent requests would: a slow
    declaration does not hold back the next one, so the rate is kept on a loaded machine.
    """
    started = time.perf_counter()

    def declare_at(offset_s: float) -> tuple[int, float]:
        time.sleep(max(0.0, started + offset_s - time.perf_counter()))
        return bench.declare()

    with ThreadPoolExecutor(DECLARING_THREADS, thread_name_prefix="declare") as pool:
        declared = list(pool.map(declare_at, (n / rate for n in range(round(rate * seconds)))))
    return [lot_id for lot_id, _ in declared], [took_ms for _, took_ms in declared]


def wait_for_offers(bench: Bench, lot_ids: Sequence[int], timeout_s: float) -> list[float]:
    """Wait until every lot has offers or `timeout_s` passed; return the latencies seen."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(bench.watch.latency_ms(i) is not None for i in lot_ids):
            break
        time.sleep(0.05)
    seen = (bench.watch.latency_ms(i) for i in lot_ids)
    return [latency for latency in seen if latency is not None]


def warm_up(bench: Bench, load: Load) -> None:
    """Wait until the workers answer, then run unmeasured declarations at the bench rate."""
    # One lot is enough: its tasks wait in the broker until the workers are up.
    lot_id, _ = bench.declare()
    if not wait_for_offers(bench, [lot_id], timeout_s=READY_TIMEOUT_S):
        raise click.ClickException("the workers gave no offers within a minute: see their logs")
    lot_ids, _ = declare_at_rate(bench, load.rate, load.warmup_s)
    wait_for_offers(bench, lot_ids, load.grace_s)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no samples)."""
    ordered = sorted(samples)
    return ordered[max(0, ceil(fraction * len(ordered)) - 1)] if ordered else 0.0


def measure(bench: Bench, load: Load) -> dict[str, Any]:
    """Declare at the load's rate, wait for the offers, and summarise the latencies."""
    started = time.perf_counter()
    lot_ids, durations = declare_at_rate(bench, load.rate, load.seconds)
    elapsed = time.perf_counter() - started
    latencies = wait_for_offers(bench, lot_ids, load.grace_s)
    return {
        "declarations": len(lot_ids),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
        "lost": len(lot_ids) - len(latencies),
        "rate_per_s": round(len(lot_ids) / elapsed, 2),
        "declare_p50_ms": round(percentile(durations, 0.50), 1),
        "declare_p95_ms": round(percentile(durations, 0.95), 1),
    }


@contextmanager
def worker_processes(count: int, concurrency: int, logs: Path) -> Iterator[list[Path]]:
    """Start `count` worker processes (the child inherits this environment); stop them after."""
    started, paths = [], []
    try:
        for n in range(count):
            path = logs / f"worker-{n}.log"
            command = [sys.executable, "-m", "workers", "worker", f"--concurrency={concurrency}",
                       f"--hostname=bench-pipeline-{n}@%h", *WORKER_FLAGS]  # fmt: skip
            started.append(_spawn(command, path))
            paths.append(path)
        yield paths
    finally:
        for process in started:
            _stop(process)


def _spawn(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig, wait_s in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            continue


def start_bench(runtime: Runtime) -> Bench:
    """Prepare the bench territory and an app whose commits are stamped, then relayed."""
    try:
        place = prepare_bench_place(runtime.uow())
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    watch = OfferWatch(read_only(runtime.engine), every_s=POLL_EVERY_S)
    app = create_app(runtime.settings, runtime)
    runtime.after_commit = _both(watch.committed, runtime.after_commit)
    return Bench(app, place, watch)


def _both(first: AfterCommit, then: AfterCommit | None) -> AfterCommit:
    def hook(messages: Sequence[OutboxMessage]) -> None:
        first(messages)
        if then is not None:
            then(messages)

    return hook


def run_pipeline(
    runtime: Runtime, load: Load, workers: int, concurrency: int, external: bool
) -> dict[str, Any]:
    """Run the whole benchmark and return its figures."""
    bench = start_bench(runtime)
    logs = Path(tempfile.mkdtemp(prefix="reuse-bench-pipeline-"))
    with worker_processes(0 if external else workers, concurrency, logs):
        bench.watch.start()
        try:
            warm_up(bench, load)
            figures = measure(bench, load)
        finally:
            poll_ms = bench.watch.stop()
    return figures | _setup(runtime, workers, concurrency, external, poll_ms, logs)


def _setup(
    runtime: Runtime, workers: int, concurrency: int, external: bool, poll_ms: float, logs: Path
) -> dict[str, Any]:
    settings = runtime.settings
    return {
        "workers": "external" if external else f"{workers} processes x concurrency {concurrency}",
        "database": make_url(settings.database_url).render_as_string(hide_password=True),
        "broker": maybe_sanitize_url(settings.broker_url),
        "observed_by": f"offer table polled every {POLL_EVERY_S * 1000:g} ms "
        f"from a separate connection (mean poll period {poll_ms:.2f} ms)",
        "worker_logs": str(logs),
    }


def _echo(figures: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(figures))
        return
    width = max(map(len, figures))
    for name, value in figures.items():
        click.echo(f"{name:<{width}}  {value}")


@click.command("pipeline")
@click.option("--rate", default=20.0, show_default=True, help="Declarations per second.")
@click.option("--seconds", default=30.0, show_default=True, help="How long to declare.")
@click.option("--workers", default=2, show_default=True, help="Worker processes to start.")
@click.option("--concurrency", default=1, show_default=True, help="Pool size of each worker.")
@click.option("--external-workers", is_flag=True, help="Use workers already running.")
@click.option("--warmup", default=3.0, show_default=True, help="Unmeasured seconds first.")
@click.option("--grace", default=30.0, show_default=True, help="Seconds to wait for offers.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def pipeline(
    runtime: Runtime, rate: float, seconds: float, workers: int, concurrency: int,
    external_workers: bool, warmup: float, grace: float, as_json: bool,
) -> None:  # fmt: skip
    """Time declarations from their commit to their offers committed, through the workers."""
    load = Load(rate, seconds, warmup, grace)
    _echo(run_pipeline(runtime, load, workers, concurrency, external_workers), as_json)
