"""The lot lifecycle as an explicit table of legal transitions."""

from __future__ import annotations

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
    (S.CLAIMED, Step.RELEASE_TO_NONE): S.OFFERED,
    (S.CLAIMED, Step.RELEASE_TO_SOME): S.PARTIALLY_CLAIMED,
    (S.CLAIMED, Step.RECEIVE_LAST): S.COLLECTED,
    (S.COLLECTED, Step.REPORT_LAST_OUTCOMES): S.CLOSED,
}

EDITABLE = frozenset({S.DECLARED, S.UNMATCHED, S.OFFERED})
TERMINAL = frozenset({S.CLOSED, S.EXPIRED, S.CANCELLED})


def next_status(current: S, step: Step) -> S:
    """Return the status a lot reaches by `step`, or raise InvalidTransition."""
    try:
        return TRANSITIONS[(current, step)]
    except KeyError:
        raise InvalidTransition(current.value, step.value) from None


def is_editable(status: S) -> bool:
    """Tell whether a lot's declaration may still be changed (no claim yet)."""
    return status in EDITABLE
