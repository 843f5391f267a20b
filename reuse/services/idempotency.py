"""Idempotency keys: the first request with a key runs, its retries get the same response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from reuse.domain.errors import Conflict, FieldError, ValidationFailed
from reuse.models import IdempotencyRecord
from reuse.unit_of_work import UnitOfWork

MAX_KEY = 200


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: dict[str, Any] | None


def reserve(
    uow: UnitOfWork, *, user_id: int, key: str, fingerprint: str, now: datetime | None = None
) -> StoredResponse | None:
    """Reserve `key` for a new request, or return the response of the request that used it.

    The same key with another request is refused (422); a key whose first request is still
    running is a conflict (409), so two concurrent duplicates never both run.
    """
    if not 0 < len(key) <= MAX_KEY:
        raise ValidationFailed(
            [FieldError("Idempotency-Key", "invalid", f"1 to {MAX_KEY} characters")]
        )
    with uow:
        found = _record(uow, user_id, key)
        if found is None:
            _insert(uow, user_id, key, fingerprint, now or datetime.now(UTC))
            return None
        if found.fingerprint != fingerprint:
            raise ValidationFailed(
                [
                    FieldError(
                        "Idempotency-Key", "reused", "this key was used for a different request"
                    )
                ]
            )
        if found.status_code is None:
            raise Conflict("a request with this Idempotency-Key is still being processed")
        return StoredResponse(found.status_code, found.response)


def _record(uow: UnitOfWork, user_id: int, key: str) -> IdempotencyRecord | None:
    query = select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
    )
    return uow.session.scalar(query)


def _insert(uow: UnitOfWork, user_id: int, key: str, fingerprint: str, at: datetime) -> None:
    uow.session.add(
        IdempotencyRecord(user_id=user_id, key=key, fingerprint=fingerprint, created_at=at)
    )
    try:
        uow.commit()
    except IntegrityError:
        raise Conflict("a request with this Idempotency-Key is still being processed") from None


def complete(
    uow: UnitOfWork, *, user_id: int, key: str, status_code: int, body: dict[str, Any] | None,
    now: datetime | None = None,
) -> None:  # fmt: skip
    """Keep the response of the request that reserved `key`."""
    with uow:
        record = _record(uow, user_id, key)
        if record is not None:
            record.status_code, record.response = status_code, body
            record.completed_at = now or datetime.now(UTC)
            uow.commit()


def release(uow: UnitOfWork, *, user_id: int, key: str) -> None:
    """Forget a reservation whose request crashed, so that a retry can run."""
    with uow:
        uow.session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.user_id == user_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.status_code.is_(None),
            )
        )
        uow.commit()
