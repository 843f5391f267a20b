"""Watches, from its own thread and connection, when declared lots get their offers committed."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, select

from reuse.models import Offer, OutboxMessage


class OfferWatch:
    """Stamps each declaration's commit (as an after-commit hook) and, by polling the offer
    table every `every_s` on its own connection (a read-only one on SQLite), the first moment
    its offers are visible to another connection."""

    def __init__(self, engine: Engine, every_s: float = 0.002) -> None:
        self._engine = engine
        self._every_s = every_s
        self._lock = threading.Lock()
        self._committed: dict[int, float] = {}
        self._offered: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="offer-watch", daemon=True)
        self.polls = 0

    def committed(self, messages: Sequence[OutboxMessage]) -> None:
        """After-commit hook: note when each declared lot's transaction committed."""
        at = time.perf_counter()
        with self._lock:
            for message in messages:
                if message.name == "LotDeclared" and message.lot_id is not None:
                    self._committed[message.lot_id] = at

    def latency_ms(self, lot_id: int) -> float | None:
        """Milliseconds from the lot's commit to its offers being seen, or None if not yet."""
        with self._lock:
            if lot_id not in self._offered or lot_id not in self._committed:
                return None
            return (self._offered[lot_id] - self._committed[lot_id]) * 1000

    def start(self) -> None:
        """Start polling."""
        self._started = time.perf_counter()
        self._thread.start()

    def stop(self) -> float:
        """Stop polling and return the mean time between two polls, in milliseconds."""
        self._stop.set()
        self._thread.join()
        return (time.perf_counter() - self._started) * 1000 / max(1, self.polls)

    def _run(self) -> None:
        with self._engine.connect() as connection:
            while not self._stop.wait(self._every_s):
                self._poll(connection)
                self.polls += 1

    def _poll(self, connection: Connection) -> None:
        with self._lock:
            waiting = [i for i in self._committed if i not in self._offered]
        if not waiting:
            return
        # A statement sees what was committed before it began: stamp that moment.
        at = time.perf_counter()
        query = select(Offer.lot_id).where(Offer.lot_id.in_(waiting)).distinct()
        seen = set(connection.execute(query).scalars())
        connection.rollback()  # end the read transaction, so the next poll takes a new snapshot
        with self._lock:
            self._offered.update(dict.fromkeys(seen, at))
