"""Test databases: SQLite by default, PostgreSQL when REUSE_TEST_POSTGRES_URL names a server.

The schema is built once per run by the real migrations and the reference data is loaded;
each test then runs inside a transaction that is rolled back (the UnitOfWork's commits
become savepoint releases), so tests are independent and fast.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from reuse.config import Settings
from reuse.migrate import upgrade
from reuse.models import Base
from reuse.runtime import Runtime
from reuse.services.refdata import load_reference_data
from reuse.unit_of_work import UnitOfWork

POSTGRES_SERVER = os.environ.get("REUSE_TEST_POSTGRES_URL")


def database_kind() -> str:
    return f"PostgreSQL ({POSTGRES_SERVER})" if POSTGRES_SERVER else "SQLite"


def pytest_report_header() -> str:
    return f"database: {database_kind()}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(f"tests ran on {database_kind()}")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this run."""
    if not POSTGRES_SERVER:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'reuse.db'}"
        return
    name = f"reuse_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def runtime(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """The platform's runtime on the test database, migrated and with reference data."""
    instance: Path = tmp_path_factory.mktemp("instance")
    settings = Settings.from_env(
        {"REUSE_INSTANCE_PATH": str(instance), "REUSE_DATABASE_URL": database_url}
    )
    started = Runtime.start(settings)
    upgrade(started.engine)
    load_reference_data(started.uow())
    yield started
    started.engine.dispose()


@pytest.fixture
def sessions(runtime: Runtime) -> Iterator[sessionmaker]:  # type: ignore[type-arg]
    """Sessions joined to one outer transaction that is rolled back after the test."""
    with runtime.engine.connect() as connection:
        outer = connection.begin()
        yield sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        outer.rollback()


@pytest.fixture
def uow(sessions: sessionmaker) -> UnitOfWork:  # type: ignore[type-arg]
    """A unit of work inside the test's rolled-back transaction."""
    return UnitOfWork(sessions)


@pytest.fixture
def committed(runtime: Runtime) -> Iterator[Runtime]:
    """The real runtime, for tests of concurrency that need commits other connections see;
    every row the test added is deleted afterwards (reference data and the directory version
    excepted)."""
    yield runtime
    keep = {"category", "subcategory", "outcome", "factor_set", "co2_factor", "directory_version"}
    with runtime.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in keep:
                connection.execute(table.delete())
