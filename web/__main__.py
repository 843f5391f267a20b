"""`python -m web [--port N]`: the embedded platform of `make run` in this terminal (the web
front, and a Celery worker with its beat) until Ctrl-C, which stops both cleanly."""

from __future__ import annotations

import click

from reuse.config import Settings
from web.topology import run_embedded


@click.command()
@click.option("--port", default=8000, show_default=True, help="Port of the web front.")
def main(port: int) -> None:
    """Run the web front and a worker with beat, with this environment's settings."""
    raise SystemExit(run_embedded(Settings.from_env().instance_path, port))


main()
