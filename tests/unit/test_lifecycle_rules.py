"""Every legal transition of the lot lifecycle, and every other pair refused."""

import itertools
from decimal import Decimal

import pytest

from reuse.domain.errors import InvalidTransition
from reuse.domain.lifecycle import (
    TRANSITIONS,
    LotProgress,
    Step,
    claim_step,
    expiry_step,
    is_editable,
    next_status,
    release_step,
    steps_after,
)
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
    (S.PARTIALLY_CLAIMED, Step.EXPIRE_ALL_COLLECTED, S.COLLECTED),
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


@pytest.mark.parametrize(
    ("remaining", "step"),
    [(Decimal("0.000"), Step.CLAIM_REST), (Decimal("0.001"), Step.CLAIM_PART)],
)
def test_a_claim_that_leaves_nothing_takes_the_rest(remaining: Decimal, step: Step) -> None:
    assert claim_step(remaining) is step


@pytest.mark.parametrize(
    ("claims_left", "step"), [(False, Step.RELEASE_TO_NONE), (True, Step.RELEASE_TO_SOME)]
)
def test_a_release_that_leaves_no_claim_returns_the_lot_to_offered(
    claims_left: bool, step: Step
) -> None:
    assert release_step(claims_left=claims_left) is step


@pytest.mark.parametrize(
    ("status", "active", "step"),
    [
        (S.OFFERED, False, Step.EXPIRE),
        (S.PARTIALLY_CLAIMED, True, Step.EXPIRE),
        (S.PARTIALLY_CLAIMED, False, Step.EXPIRE_ALL_COLLECTED),
    ],
)
def test_a_partly_claimed_lot_whose_parts_are_all_in_is_collected_at_its_deadline(
    status: S, active: bool, step: Step
) -> None:
    assert expiry_step(status, active_claims=active) is step


def progress(active: bool = False, unreported: bool = False, late: bool = False) -> LotProgress:
    return LotProgress(active_claims=active, unreported_receptions=unreported, past_deadline=late)


@pytest.mark.parametrize(
    ("status", "first", "where", "steps"),
    [
        (S.OFFERED, Step.CLAIM_PART, progress(active=True), [Step.CLAIM_PART]),
        (S.CLAIMED, None, progress(active=True), []),
        (S.CLAIMED, None, progress(unreported=True), [Step.RECEIVE_LAST]),
        (S.CLAIMED, None, progress(), [Step.RECEIVE_LAST, Step.REPORT_LAST_OUTCOMES]),
        (S.COLLECTED, None, progress(unreported=True), []),
        (S.COLLECTED, None, progress(), [Step.REPORT_LAST_OUTCOMES]),
        (S.PARTIALLY_CLAIMED, None, progress(), []),
        (
            S.PARTIALLY_CLAIMED,
            None,
            progress(unreported=True, late=True),
            [Step.EXPIRE_ALL_COLLECTED],
        ),
        (S.CLAIMED, Step.RELEASE_TO_NONE, progress(late=True), [Step.RELEASE_TO_NONE, Step.EXPIRE]),
        (
            S.CLAIMED,
            Step.RELEASE_TO_SOME,
            progress(active=True, late=True),
            [Step.RELEASE_TO_SOME, Step.EXPIRE],
        ),
        (S.CLOSED, None, progress(), []),
    ],
)
def test_a_change_takes_its_own_step_then_expiry_collection_and_closing_as_they_fall_due(
    status: S, first: Step | None, where: LotProgress, steps: list[Step]
) -> None:
    assert steps_after(status, first, where) == steps


def test_a_change_the_machine_refuses_takes_no_step_at_all() -> None:
    with pytest.raises(InvalidTransition):
        steps_after(S.EXPIRED, Step.CLAIM_PART, progress(active=True))
