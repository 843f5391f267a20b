"""The `reuse stats` and `reuse factors` commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from reuse.domain.errors import DomainError
from reuse.runtime import Runtime
from reuse.services.refdata import add_factor_file
from reuse.stats import rollups
from reuse.stats.dimensions import DIMENSIONS
from reuse.stats.exports import csv_bytes, report_rows, xlsx_bytes
from reuse.stats.months import Month
from reuse.stats.publication import publish_figures, published
from reuse.stats.service import Report, actor_impact, territory_report
from reuse.stats.table import render_report, tonnes

T = TypeVar("T")
FORMATS = ("table", "csv", "csv-fr", "xlsx")


def _month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Month | None:
    try:
        return None if value is None else Month.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


def _run(work: Callable[[], T]) -> T:
    """Run a use case, turning domain errors into a clean command-line error."""
    try:
        return work()
    except (DomainError, ValueError) as error:
        raise click.ClickException(str(error)) from error


@click.group("stats", invoke_without_command=True)
@click.option("--territory", help="territory slug")
@click.option("--from", "first", callback=_month, help="first month, YYYY-MM")
@click.option("--to", "last", callback=_month, help="last month, YYYY-MM")
@click.option("--by", type=click.Choice(sorted(DIMENSIONS)), help="breakdown")
@click.option("--factors", help="CO2e factor-set version (default: the latest)")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="file to write")
@click.pass_context
def stats(
    ctx: click.Context, territory: str | None, first: Month | None, last: Month | None,
    by: str | None, factors: str | None, fmt: str, output: Path | None,
) -> None:  # fmt: skip
    """Monthly figures of a territory (Europe/Paris months), as a table or an export."""
    if ctx.invoked_subcommand is not None:
        return
    if territory is None or first is None or last is None:
        raise click.UsageError("--territory, --from and --to are required")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE")
    runtime: Runtime = ctx.obj
    report = _run(lambda: territory_report(
        runtime.uow(), territory=territory, first=first, last=last, by=by, factors=factors))  # fmt: skip
    _emit(_rendered(report, fmt), output)


def _rendered(report: Report, fmt: str) -> bytes:
    if fmt == "table":
        return render_report(report).encode("utf-8") + b"\n"
    if fmt == "xlsx":
        return xlsx_bytes(report_rows(report))
    return csv_bytes(report_rows(report), french=fmt == "csv-fr")


def _emit(data: bytes, output: Path | None) -> None:
    if output is None:
        click.echo(data, nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"written: {output}", err=True)


@stats.command("recompute")
@click.option("--territory", required=True, help="territory slug")
@click.option("--from", "first", required=True, callback=_month, help="YYYY-MM")
@click.option("--to", "last", required=True, callback=_month, help="YYYY-MM")
@click.option("--factors", help="CO2e factor-set version (default: the latest)")
@click.pass_obj
def recompute(
    runtime: Runtime, territory: str, first: Month, last: Month, factors: str | None
) -> None:
    """Store a new labelled computation; what was published before is kept unchanged."""
    done = _run(lambda: publish_figures(
        runtime.uow(), territory=territory, first=first, last=last, factors=factors))  # fmt: skip
    click.echo(
        f"{done.territory}: {len(done.months)} months published with factors "
        f"{done.factor_set} at {done.computed_at.isoformat()}"
    )


@stats.command("published")
@click.option("--territory", required=True, help="territory slug")
@click.pass_obj
def list_published(runtime: Runtime, territory: str) -> None:
    """Every stored publication of a territory, oldest first."""
    for month, version, at, diverted in _run(lambda: published(runtime.uow(), territory=territory)):
        click.echo(f"{month}  {version:<6} {at.isoformat()}  détourné {tonnes(diverted)} t")


@stats.command("actor")
@click.option("--actor", required=True, help="actor slug")
@click.option("--from", "first", required=True, callback=_month, help="YYYY-MM")
@click.option("--to", "last", required=True, callback=_month, help="YYYY-MM")
@click.option("--factors", help="CO2e factor-set version (default: the latest)")
@click.pass_obj
def actor(runtime: Runtime, actor: str, first: Month, last: Month, factors: str | None) -> None:
    """An actor's own impact: kg received and reused, CO2e avoided, collections."""
    months = _run(lambda: actor_impact(
        runtime.uow(), actor=actor, first=first, last=last, factors=factors))  # fmt: skip
    click.echo("month    received_kg  reused_kg  avoided_co2e_kg  collections  factors")
    for m in months:
        click.echo(f"{m.month}  {m.received_kg:>11}  {m.reused_kg:>9}  "
                   f"{m.avoided_co2e_kg:>15}  {m.collections:>11}  {m.factor_set}")  # fmt: skip


@stats.command("rebuild")
@click.pass_obj
def rebuild_rollups(runtime: Runtime) -> None:
    """Recompute the monthly rollups from the raw rows (after a bulk load that bypassed them)."""
    with runtime.engine.begin() as connection:
        months = rollups.rebuild(connection)
    click.echo(f"monthly rollups rebuilt over {months} months")


@click.group("factors")
def factors_group() -> None:
    """CO2e factor sets (versioned; a loaded version is never altered)."""


@factors_group.command("add")
@click.option("--version", required=True, help="new version, e.g. v2")
@click.option("--file", "path", required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--label", help="label (default: Facteurs CO2e VERSION)")
@click.pass_obj
def factors_add(runtime: Runtime, version: str, path: Path, label: str | None) -> None:
    """Load a factor set from a CSV with the columns of co2_factors_v1.csv."""
    text = path.read_text(encoding="utf-8")
    count = _run(lambda: add_factor_file(
        runtime.uow(), version=version, text=text, label=label or f"Facteurs CO2e {version}"))  # fmt: skip
    click.echo(f"factor set {version} added: {count} factors")
