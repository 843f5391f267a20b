"""Every legal transition of the lot lifecycle, and every other pair refused."""

import itertools

import pytest

from reuse.domain.errors import InvalidTransition
from reuse.domain.lifecycle import TRANSITIONS, Step, is_editable, next_status
from reuse.domain.vocabulary import LotStatus as S

LEGAL = [
    (S.DECLARED, Step.MATCH, S.OFFERED),
    (S.DECLARED, Step.FIND_NO_MATCH, S.UNMATCHED),
    (S.DECLARED, Step.EXPIRE, S.EXPIRED),
    (S.DECLARED, Step.CANCEL, S.CANCELLED),
    (S.UNMATCHED, Step.MATCH, S.OFFERED),
    (S.UNMATCHED, Step.EXPIRE, S.EXPIRED),
    (S.UNMATCHED, Step.CANCEL, S.CANCELLED),
    (S.OFFERED, Step.CLAIM_PART, S.PARTIALLY_CLAIMED),
    (S.OFFERED, Step.CLAIM_REST, S.CLAIMED),
    (S.OFFERED, Step.FIND_NO_MATCH, S.UNMATCHED),
    (S.OFFERED, Step.EXPIRE, S.EXPIRED),
    (S.OFFERED, Step.CANCEL, S.CANCELLED),
    (S.PARTIALLY_CLAIMED, Step.CLAIM_PART, S.PARTIALLY_CLAIMED),
    (S.PARTIALLY_CLAIMED, Step.CLAIM_REST, S.CLAIMED),
    (S.PARTIALLY_CLAIMED, Step.RELEASE_TO_NONE, S.OFFERED),
    (S.PARTIALLY_CLAIMED, Step.RELEASE_TO_SOME, S.PARTIALLY_CLAIMED),
    (S.PARTIALLY_CLAIMED, Step.EXPIRE, S.CLAIMED),
    (S.CLAIMED, Step.RELEASE_TO_NONE, S.OFFERED),
    (S.CLAIMED, Step.RELEASE_TO_SOME, S.PARTIALLY_CLAIMED),
    (S.CLAIMED, Step.RECEIVE_LAST, S.COLLECTED),
    (S.COLLECTED, Step.REPORT_LAST_OUTCOMES, S.CLOSED),
]
ILLEGAL = [
    (status, step)
    for status, step in itertools.product(S, Step)
    if (status, step) not in {(before, s) for before, s, _ in LEGAL}
]


@pytest.mark.parametrize(("before", "step", "after"), LEGAL)
def test_a_legal_step_moves_the_lot_to_its_next_status(before: S, step: Step, after: S) -> None:
    assert next_status(before, step) is after


@pytest.mark.parametrize(("before", "step"), ILLEGAL)
def test_a_step_outside_the_machine_is_refused_with_a_clear_error(before: S, step: Step) -> None:
    with pytest.raises(InvalidTransition) as refused:
        next_status(before, step)
    assert before.value in str(refused.value)
    assert step.value.replace("_", " ") in str(refused.value)


def test_the_table_holds_exactly_the_transitions_of_the_design() -> None:
    assert {(b, s): a for b, s, a in LEGAL} == TRANSITIONS


@pytest.mark.parametrize("status", [S.CLOSED, S.EXPIRED, S.CANCELLED])
def test_closed_expired_and_cancelled_lots_never_move_again(status: S) -> None:
    for step in Step:
        with pytest.raises(InvalidTransition):
            next_status(status, step)


@pytest.mark.parametrize(
    ("status", "editable"),
    [
        (S.DECLARED, True),
        (S.UNMATCHED, True),
        (S.OFFERED, True),
        (S.PARTIALLY_CLAIMED, False),
        (S.CLAIMED, False),
        (S.COLLECTED, False),
        (S.CLOSED, False),
        (S.EXPIRED, False),
        (S.CANCELLED, False),
    ],
)
def test_a_declaration_can_be_edited_only_before_any_claim(status: S, editable: bool) -> None:
    assert is_editable(status) is editable
