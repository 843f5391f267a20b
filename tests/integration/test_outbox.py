"""The outbox: events commit with the state, are relayed once, and survive publish failures."""

import threading
import time
from datetime import timedelta

from sqlalchemy import func, select

from reuse.domain.events import LotCancelled
from reuse.models import OutboxMessage
from reuse.outbox import backoff, pending_count, relay
from reuse.runtime import Runtime
from reuse.unit_of_work import UnitOfWork

from builders import NOW


class ListPublisher:
    def __init__(self, delay: float = 0.0) -> None:
        self.published: list[str] = []
        self.delay = delay

    def publish(self, message: OutboxMessage) -> None:
        time.sleep(self.delay)
        self.published.append(message.event_id)


class BrokenPublisher:
    def publish(self, message: OutboxMessage) -> None:
        raise ConnectionError("broker unreachable")


def outbox_rows(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_an_event_of_a_transaction_that_rolls_back_leaves_no_row(uow) -> None:
    before = outbox_rows(uow)
    with uow:
        uow.record(LotCancelled(None, "test"), NOW)
    assert outbox_rows(uow) == before


def test_an_event_of_a_committed_transaction_leaves_exactly_one_pending_row(uow) -> None:
    before = outbox_rows(uow)
    with uow:
        uow.record(LotCancelled(None, "test"), NOW)
        uow.commit()
    assert outbox_rows(uow) == before + 1
    with uow:
        assert pending_count(uow.session) >= 1


def test_after_commit_is_told_the_committed_events_and_only_after_the_commit(sessions) -> None:
    told: list[list[str]] = []
    uow = UnitOfWork(
        sessions, after_commit=lambda messages: told.append([m.name for m in messages])
    )
    with uow:
        uow.record(LotCancelled(None, "test"), NOW)
        assert told == []
        uow.commit()
    assert told == [["LotCancelled"]]


def test_the_relay_publishes_each_due_event_once_and_marks_it_sent(uow, sessions) -> None:
    with uow:
        event_id = uow.record(LotCancelled(None, "test"), NOW)
        uow.commit()
    publisher = ListPublisher()
    first = relay(sessions, publisher, now=NOW)
    second = relay(sessions, publisher, now=NOW)
    assert event_id in publisher.published
    assert publisher.published.count(event_id) == 1
    assert (first.failed, second.published) == (0, 0)
    with uow:
        sent = uow.session.scalar(select(OutboxMessage).where(OutboxMessage.event_id == event_id))
        assert sent.sent_at == NOW


def test_a_failing_publisher_leaves_the_event_pending_with_its_attempt_and_a_backoff(
    uow, sessions
) -> None:
    with uow:
        event_id = uow.record(LotCancelled(None, "test"), NOW)
        uow.commit()
    result = relay(sessions, BrokenPublisher(), now=NOW)
    assert result.failed >= 1
    with uow:
        row = uow.session.scalar(select(OutboxMessage).where(OutboxMessage.event_id == event_id))
        assert (row.sent_at, row.attempts, row.available_at) == (
            None,
            1,
            NOW + timedelta(seconds=2),
        )
        assert "broker unreachable" in row.last_error
    publisher = ListPublisher()
    relay(sessions, publisher, now=NOW + timedelta(seconds=1))
    assert event_id not in publisher.published
    relay(sessions, publisher, now=NOW + timedelta(seconds=2))
    assert event_id in publisher.published


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 9, 10, 40)] == [2, 4, 8, 512, 600, 600]


def test_two_relays_at_once_never_publish_the_same_event_twice(committed: Runtime) -> None:
    for _ in range(40):
        with committed.uow() as uow:
            uow.record(LotCancelled(None, "race"), NOW)
            uow.commit()
    publishers = [ListPublisher(delay=0.005), ListPublisher(delay=0.005)]
    threads = [
        threading.Thread(
            target=relay, args=(committed.sessions, p), kwargs={"now": NOW, "batch": 10}
        )
        for p in publishers
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    relay(committed.sessions, publishers[0], now=NOW)
    everything = publishers[0].published + publishers[1].published
    assert len(everything) == 40
    assert len(set(everything)) == 40
