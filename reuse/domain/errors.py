"""Domain errors: each maps once, at the edge, to an HTTP problem or a CLI message."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base of every refusal the platform explains to its user."""

    code = "domain_error"


@dataclass(frozen=True)
class FieldError:
    """One refused field: a stable code (translated at the edge) and an English message."""

    field: str
    code: str
    message: str


class ValidationFailed(DomainError):
    code = "validation_failed"

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


class NotFound(DomainError):
    code = "not_found"


class NotAllowed(DomainError):
    code = "not_allowed"


class Conflict(DomainError):
    code = "conflict"


class InvalidTransition(DomainError):
    code = "invalid_transition"

    def __init__(self, status: str, step: str) -> None:
        self.status = status
        self.step = step
        super().__init__(f"a lot that is {status} cannot {step.replace('_', ' ')}")
