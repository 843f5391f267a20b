"""`python -m workers worker|beat [celery options]`: run a Celery process for these settings."""

from __future__ import annotations

import logging
import sys

from reuse.config import Settings
from workers.app import create_app
from workers.tasks import relay_outbox

RELAY_TASK: str = relay_outbox.name


class QuietSweeps(logging.Filter):
    """Drops the INFO lines of the outbox sweeps that published nothing.

    Beat sends the sweep every few seconds and each one logs three lines (sent, received,
    succeeded) although commits publish their own events: they would bury the lines that
    matter. A sweep that published events, and any warning or error, is still logged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        message = record.getMessage()
        if record.name == "celery.beat":
            return f"({RELAY_TASK})" not in message
        if message.startswith(f"Task {RELAY_TASK}["):
            return not (message.endswith(" received") or message.endswith(": 0"))
        return True


def main(argv: list[str] | None = None) -> None:
    """Start the Celery command given on the command line with the app built from the env."""
    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(QuietSweeps())
    create_app(settings).start(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
