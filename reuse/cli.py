"""The `reuse` command: database, reference data, demo territory, users, benchmarks."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.metadata import entry_points

import click

from reuse.benchmarks.claims import claims as bench_claims
from reuse.benchmarks.matching import matching as bench_matching
from reuse.benchmarks.stats import stats as bench_stats
from reuse.config import Settings
from reuse.demo import seed_demo
from reuse.domain.errors import DomainError
from reuse.domain.vocabulary import Role
from reuse.migrate import upgrade
from reuse.runtime import Runtime
from reuse.services.accounts import GrantBySlug, create_user
from reuse.services.refdata import load_reference_data
from reuse.stats.commands import factors_group, stats


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """reuse: keep reusable objects out of the waste stream."""
    ctx.obj = Runtime.start(Settings.from_env())


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(runtime: Runtime) -> None:
    """Apply every pending migration."""
    upgrade(runtime.engine)
    click.echo(f"database at head: {runtime.engine.url.render_as_string(hide_password=True)}")


@main.group()
def refdata() -> None:
    """Reference data shipped in the package."""


@refdata.command("load")
@click.pass_obj
def refdata_load(runtime: Runtime) -> None:
    """Load or refresh the taxonomy, outcomes and CO2e factor sets (idempotent)."""
    loaded = load_reference_data(runtime.uow())
    added = ", ".join(loaded.factor_sets) or "none (already present)"
    click.echo(
        f"{loaded.categories} categories, {loaded.subcategories} subcategories, "
        f"{loaded.outcomes} outcomes; factor sets added: {added}"
    )


@main.group()
def seed() -> None:
    """Demonstration data."""


@seed.command("demo")
@click.pass_obj
def seed_demo_command(runtime: Runtime) -> None:
    """Seed the Morlaix Communauté demo territory with a year of history (idempotent)."""
    try:
        summary = seed_demo(runtime.uow(), now=datetime.now(UTC))
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    history = "generated" if summary.history_created else "already present"
    click.echo(f"{summary.territory}: {summary.sites} sites, {summary.actors} actors, "
               f"{summary.lots} lots ({history}).")  # fmt: skip
    click.echo("Site and actor coordinates are commune points (approximate).")
    click.echo("Demo logins:")
    for login in summary.users:
        click.echo(f"  {login.role:<17} {login.email:<32} {login.password}  ({login.scope})")


main.add_command(stats)
main.add_command(factors_group)


@main.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--territory", help="territory slug (agents and viewers)")
@click.option("--site", help="site slug (an agent bound to one site)")
@click.option("--actor", help="actor slug (recyclers)")
@click.pass_obj
def users_create(
    runtime: Runtime,
    email: str,
    display_name: str,
    password: str,
    role: str,
    territory: str | None,
    site: str | None,
    actor: str | None,
) -> None:
    """Create a user with one role."""
    grant = GrantBySlug(Role(role), territory=territory, site=site, actor=actor)
    try:
        user_id = create_user(
            runtime.uow(), email=email, password=password, display_name=display_name, grants=[grant]
        )
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"user {user_id} created: {email} ({role})")


class PluggableGroup(click.Group):
    """A group that also offers the commands other packages register under an entry-point group
    (so the workers package can add `reuse bench pipeline` without the core importing it)."""

    def __init__(self, *args: object, plugins: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.plugins = plugins

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *entry_points(group=self.plugins).names})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        found = super().get_command(ctx, name)
        if found is None and name in entry_points(group=self.plugins).names:
            loaded: click.Command = entry_points(group=self.plugins)[name].load()
            return loaded
        return found


@main.group(cls=PluggableGroup, plugins="reuse.bench")
def bench() -> None:
    """Benchmarks: each prints its figures, or one JSON object with --json."""


bench.add_command(bench_matching)
bench.add_command(bench_claims)
bench.add_command(bench_stats)
