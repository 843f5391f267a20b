"""The lot lifecycle as an explicit table of legal transitions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from reuse.domain.errors import InvalidTransition
from reuse.domain.vocabulary import LotStatus as S


class Step(StrEnum):
    """Something that can happen to a lot."""

    MATCH = "match"
    FIND_NO_MATCH = "find_no_match"
    CLAIM_PART = "claim_part"
    CLAIM_REST = "claim_rest"
    RELEASE_TO_NONE = "release_to_none"
    RELEASE_TO_SOME = "release_to_some"
    RECEIVE_LAST = "receive_last"
    REPORT_LAST_OUTCOMES = "report_last_outcomes"
    EXPIRE = "expire"
    EXPIRE_ALL_COLLECTED = "expire_all_collected"
    CANCEL = "cancel"


TRANSITIONS: dict[tuple[S, Step], S] = {
    (S.DECLARED, Step.MATCH): S.OFFERED,
    (S.DECLARED, Step.FIND_NO_MATCH): S.UNMATCHED,
    (S.DECLARED, Step.EXPIRE): S.EXPIRED,
    (S.DECLARED, Step.CANCEL): S.CANCELLED,
    (S.UNMATCHED, Step.MATCH): S.OFFERED,
    (S.UNMATCHED, Step.EXPIRE): S.EXPIRED,
    (S.UNMATCHED, Step.CANCEL): S.CANCELLED,
    (S.OFFERED, Step.CLAIM_PART): S.PARTIALLY_CLAIMED,
    (S.OFFERED, Step.CLAIM_REST): S.CLAIMED,
    (S.OFFERED, Step.FIND_NO_MATCH): S.UNMATCHED,
    (S.OFFERED, Step.EXPIRE): S.EXPIRED,
    (S.OFFERED, Step.CANCEL): S.CANCELLED,
    (S.PARTIALLY_CLAIMED, Step.CLAIM_PART): S.PARTIALLY_CLAIMED,
    (S.PARTIALLY_CLAIMED, Step.CLAIM_REST): S.CLAIMED,
    (S.PARTIALLY_CLAIMED, Step.RELEASE_TO_NONE): S.OFFERED,
    (S.PARTIALLY_CLAIMED, Step.RELEASE_TO_SOME): S.PARTIALLY_CLAIMED,
    # At the deadline the unclaimed remainder is withdrawn; the claimed part is still collected.
    (S.PARTIALLY_CLAIMED, Step.EXPIRE): S.CLAIMED,
    # ...unless every claimed part is already in (received or found empty): it is collected.
    (S.PARTIALLY_CLAIMED, Step.EXPIRE_ALL_COLLECTED): S.COLLECTED,
    (S.CLAIMED, Step.RELEASE_TO_NONE): S.OFFERED,
    (S.CLAIMED, Step.RELEASE_TO_SOME): S.PARTIALLY_CLAIMED,
    (S.CLAIMED, Step.RECEIVE_LAST): S.COLLECTED,
    (S.COLLECTED, Step.REPORT_LAST_OUTCOMES): S.CLOSED,
}

EDITABLE = frozenset({S.DECLARED, S.UNMATCHED, S.OFFERED})
TERMINAL = frozenset({S.CLOSED, S.EXPIRED, S.CANCELLED})
EXPIRIES = frozenset({Step.EXPIRE, Step.EXPIRE_ALL_COLLECTED})


def next_status(current: S, step: Step) -> S:
    """Return the status a lot reaches by `step`, or raise InvalidTransition."""
    try:
        return TRANSITIONS[(current, step)]
    except KeyError:
        raise InvalidTransition(current.value, step.value) from None


def claim_step(remaining_after: Decimal) -> Step:
    """A claim that leaves nothing takes the rest; any other takes a part."""
    return Step.CLAIM_REST if remaining_after == 0 else Step.CLAIM_PART


def release_step(*, claims_left: bool) -> Step:
    """A release that leaves no claim on the lot returns it to offered; else some stays claimed."""
    return Step.RELEASE_TO_SOME if claims_left else Step.RELEASE_TO_NONE


def expiry_step(status: S, *, active_claims: bool) -> Step:
    """The step a lot takes at its deadline: a partly taken lot whose parts are all in is collected."""
    if status is S.PARTIALLY_CLAIMED and not active_claims:
        return Step.EXPIRE_ALL_COLLECTED
    return Step.EXPIRE


@dataclass(frozen=True)
class LotProgress:
    """Where a lot's claims stand, as far as its next steps are concerned."""

    active_claims: bool
    unreported_receptions: bool
    past_deadline: bool


def steps_after(status: S, first: Step | None, progress: LotProgress) -> list[Step]:
    """Every step a change takes: its own, expiry past the deadline, then collected and closed."""
    steps = [] if first is None else [first]
    if first is not None:
        status = next_status(status, first)
    if progress.past_deadline and status in (S.OFFERED, S.PARTIALLY_CLAIMED):
        steps.append(expiry_step(status, active_claims=progress.active_claims))
        status = next_status(status, steps[-1])
    if status is S.CLAIMED and not progress.active_claims:
        steps.append(Step.RECEIVE_LAST)
        status = S.COLLECTED
    if status is S.COLLECTED and not progress.unreported_receptions:
        steps.append(Step.REPORT_LAST_OUTCOMES)
    return steps


def is_editable(status: S) -> bool:
    """Tell whether a lot's declaration may still be changed (no claim yet)."""
    return status in EDITABLE
