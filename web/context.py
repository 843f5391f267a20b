"""The platform runtime of the current Flask app."""

from __future__ import annotations

from flask import current_app

from reuse.runtime import Runtime


def runtime() -> Runtime:
    """The runtime built by create_app (engine, sessions, directory, mailer)."""
    found: Runtime = current_app.extensions["reuse"]
    return found
