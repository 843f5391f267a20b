"""`python -m workers worker|beat [celery options]`: run a Celery process for these settings."""

from __future__ import annotations

import logging
import sys

from reuse.config import Settings
from workers.app import create_app


def main(argv: list[str] | None = None) -> None:
    """Start the Celery command given on the command line with the app built from the env."""
    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    create_app(settings).start(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
