"""Engines and sessions: SQLite tuned for correctness, PostgreSQL as it comes."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from reuse.config import Settings
from reuse.services import actor_directory
from reuse.stats import rollups
from reuse.stats.months import paris_month_of_stored

READ_ONLY = "reuse_read_only"
# A pooled PostgreSQL connection idle for longer than this is pinged before use.
PING_AFTER_IDLE_S = 1.0

# Every session of the process, made here or not, keeps the statistics rollups in step and
# tells the cached actor indexes of every process when actors change.
rollups.keep_in_step()
actor_directory.keep_versioned()


def make_engine(settings: Settings, **kwargs: Any) -> Engine:
    """Create the engine for `settings.database_url` (nothing connects until first use)."""
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        _ping_when_idle(engine)
        return engine
    engine = create_engine(
        url, connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000}, **kwargs
    )
    _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection that sat idle before handing it out, as `pool_pre_ping`
    does on every checkout: a busy process then spares each request a round trip.

    A dead connection raises DisconnectionError, which makes the pool replace it (and, the
    server having gone away, every connection pooled before). A server restarted within the
    last second fails the statement instead; the engine then invalidates the pool the same way.
    """

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError(str(error)) from error
            raise


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, busy timeout, foreign keys, write transactions that begin IMMEDIATE, the
    `paris_month()` SQL function that PostgreSQL has as `to_char(... AT TIME ZONE ...)`, and
    a `lower()` that folds every letter as PostgreSQL's does (SQLite's own folds A-Z only, so
    a case-insensitive search for "élodie" would miss "Élodie").

    pysqlite's own transaction handling begins lazily and deferred; a deferred
    read-then-write transaction fails with "database is locked" (or double-books)
    under concurrency, so we take over BEGIN ourselves.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        dbapi_connection.create_function(
            "paris_month", 1, paris_month_of_stored, deterministic=True
        )
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def read_only(engine: Engine) -> Engine:
    """The same engine for read-only work: on SQLite its transactions begin deferred (no write
    lock); on PostgreSQL each statement runs in autocommit, sparing every read its BEGIN and
    ROLLBACK round trips (the statements of one read may then see different commits)."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{READ_ONLY: True})
    return engine.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY: True})
