"""Units of work for reading: they never commit, and they hold no write lock or transaction."""

import threading

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import func, select

from reuse.domain.events import LotCancelled
from reuse.models import OutboxMessage
from reuse.runtime import Runtime
from reuse.unit_of_work import ReadOnlyUseCase

from builders import NOW


def outbox_rows(runtime: Runtime) -> int:
    with runtime.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_a_unit_of_work_for_reading_refuses_to_commit_and_keeps_nothing(committed) -> None:
    before = outbox_rows(committed)
    with committed.reading() as uow:
        uow.record(LotCancelled(None, "test"), NOW)
        with pytest.raises(ReadOnlyUseCase):
            uow.commit()
    assert outbox_rows(committed) == before


def test_a_read_on_postgresql_leaves_no_transaction_open_between_its_statements(
    committed,
) -> None:
    if committed.settings.is_sqlite:
        pytest.skip("PostgreSQL reads run in autocommit; SQLite's are deferred transactions")
    with committed.reading() as uow:
        uow.session.scalar(select(func.count()).select_from(OutboxMessage))
        driver = uow.session.connection().connection.driver_connection
        assert driver.info.transaction_status == TransactionStatus.IDLE


def test_a_write_commits_while_a_read_is_under_way(committed) -> None:
    before = outbox_rows(committed)
    written = threading.Event()

    def write() -> None:
        with committed.uow() as uow:
            uow.record(LotCancelled(None, "test"), NOW)
            uow.commit()
        written.set()

    with committed.reading() as uow:
        uow.session.scalar(select(func.count()).select_from(OutboxMessage))
        writer = threading.Thread(target=write)
        writer.start()
        assert written.wait(timeout=10), "the write waited for the read to end"
        writer.join()
    assert outbox_rows(committed) == before + 1
