"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from kombu.connection import Connection
from sqlalchemy import text

from reuse.db import read_only
from web.auth.guard import public
from web.context import runtime

bp = Blueprint("health", __name__)
public(bp)


@bp.route("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@bp.route("/readyz")
def readyz() -> tuple[dict[str, Any], int]:
    """The database and the broker answer."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    ready = all(checks.values())
    return {"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503


def _database_ok() -> bool:
    try:
        with read_only(runtime().engine).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def _broker_ok() -> bool:
    try:
        with Connection(runtime().settings.broker_url, connect_timeout=2) as connection:  # type: ignore[no-untyped-call]
            connection.ensure_connection(max_retries=1)
    except Exception:
        return False
    return True
