"""PostgreSQL connections in the pool: checked after sitting idle, not before every use."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, exc, func, select
from sqlalchemy.pool import NullPool

from reuse import db
from reuse.config import Settings


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite has no server connection to lose")
    settings = Settings.from_env({"REUSE_DATABASE_URL": database_url})
    made = db.make_engine(settings, pool_size=1, max_overflow=0)  # one pooled connection
    yield made
    made.dispose()


@pytest.fixture
def ended(engine: Engine) -> int:
    """The server process of the one pooled connection, ended from another connection while
    the connection sits in the pool (the server itself stays up); its process id."""
    with engine.connect() as connection:
        pid: int = connection.scalar(select(func.pg_backend_pid()))
    other = create_engine(engine.url, poolclass=NullPool)
    with other.connect() as connection:
        assert connection.scalar(select(func.pg_terminate_backend(pid)))
    other.dispose()
    return pid


def test_an_idle_connection_whose_server_process_ended_is_replaced_before_use(
    engine: Engine, ended: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)
    with engine.connect() as connection:
        assert connection.scalar(select(1)) == 1
        assert connection.scalar(select(func.pg_backend_pid())) != ended


def test_a_connection_used_a_moment_ago_is_handed_out_without_a_ping(
    engine: Engine, ended: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)
    with pytest.raises(exc.OperationalError) as failed, engine.connect() as connection:
        connection.scalar(select(1))
    assert failed.value.connection_invalidated
    with engine.connect() as connection:  # the pool was renewed by that failure
        assert connection.scalar(select(func.pg_backend_pid())) != ended
