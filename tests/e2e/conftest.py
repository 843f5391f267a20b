"""The production topology as real processes, on a fresh PostgreSQL database and the local Redis.

Only in the PostgreSQL run (REUSE_TEST_POSTGRES_URL): a migrated, seeded database, the users the
scenario needs made with `reuse users create`, then gunicorn, two Celery workers and beat.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from integration.worker_process import free_port, shared_redis_database
from production import Production, run_reuse
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from web.topology import running_topology

POSTGRES_SERVER = os.environ.get("REUSE_TEST_POSTGRES_URL")
REDIS_URL = "redis://127.0.0.1:6379/7"  # 5 and 6 are the worker tests'


@pytest.fixture(scope="module")
def fresh_database() -> Iterator[str]:
    """An empty PostgreSQL database of its own, dropped afterwards."""
    if not POSTGRES_SERVER:
        pytest.skip("the production topology runs on PostgreSQL: set REUSE_TEST_POSTGRES_URL")
    name = f"reuse_e2e_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def production(
    fresh_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Production]:
    """Migrated and seeded like `make run`, then the production processes; the end of their
    logs is printed at teardown, so a failing test shows it."""
    instance = tmp_path_factory.mktemp("instance")
    env = os.environ | {
        "REUSE_DATABASE_URL": fresh_database,
        "REUSE_BROKER_URL": REDIS_URL,
        "REUSE_RATELIMIT_STORAGE_URL": REDIS_URL,
        "REUSE_INSTANCE_PATH": str(instance),
        "REUSE_SECRET_KEY": uuid.uuid4().hex,
        "REUSE_COOKIE_SECURE": "0",  # plain http on the loopback
        "REUSE_RELAY_INTERVAL_S": "1",
    }
    for command in (("db", "upgrade"), ("refdata", "load"), ("seed", "demo")):
        run_reuse(env, *command)
    with (
        shared_redis_database(REDIS_URL),
        running_topology(instance / "logs", instance, free_port(), env) as topology,
    ):
        try:
            yield Production(topology, env)
        finally:
            print(topology.log_tails())
