"""Schema migrations (Alembic), run programmatically so no alembic.ini is needed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from reuse.stats import rollups

# Set by a revision that needs the stats rollups recomputed from the rows once the upgrade is
# done (the revision that creates them; one that changes what they sum).
REBUILD_ROLLUPS = "reuse_rebuild_rollups"


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(files("reuse") / "migrations"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    config = alembic_config(engine)
    with engine.connect() as connection, _sqlite_foreign_keys_deferred(connection):
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if config.attributes.pop(REBUILD_ROLLUPS, False):
            rollups.rebuild(connection)
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        connection.commit()


@contextmanager
def _sqlite_foreign_keys_deferred(connection: Connection) -> Iterator[None]:
    """On SQLite, foreign keys off while migrating (checked before commit), then back on.

    SQLite alters a table by rebuilding it, and the rows of other tables that reference it
    would block the drop of the old copy; the pragma only takes effect outside a transaction.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver: Any = connection.connection.driver_connection
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        connection.rollback()
        driver.execute("PRAGMA foreign_keys=ON")


def autogenerate(engine: Engine, message: str) -> None:
    """Write a new revision from the difference between the models and the database."""
    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
