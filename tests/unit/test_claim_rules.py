"""The pure rules of claims, pickups, receptions and outcomes, as tables."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from reuse.domain.claims import ClaimRequest, LotShare, claimed_kg, pickup_errors
from reuse.domain.errors import Conflict, ValidationFailed
from reuse.domain.receptions import (
    ClaimedPart,
    accept_measurement,
    accept_outcomes,
    accept_reason,
    ensure_correctable,
    reception_anomaly,
)

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # a Tuesday
CHAIRS = LotShare(Decimal("200"), 40, Decimal("200"))
OUTCOMES = frozenset({"reemploi", "reparation", "recyclage", "elimination"})


@pytest.mark.parametrize(
    ("request_", "lot", "expected"),
    [
        (ClaimRequest(), CHAIRS, Decimal("200")),
        (ClaimRequest(kg=Decimal("12.5")), CHAIRS, Decimal("12.5")),
        (ClaimRequest(items=3), CHAIRS, Decimal("15.000")),
        (ClaimRequest(items=1), LotShare(Decimal("100"), 3, Decimal("100")), Decimal("33.333")),
        (ClaimRequest(items=1), LotShare(Decimal("100"), 3, Decimal("33.334")), Decimal("33.334")),
    ],
)
def test_a_claim_takes_kilograms_items_at_the_lots_weight_or_all_that_is_left(
    request_: ClaimRequest, lot: LotShare, expected: Decimal
) -> None:
    assert claimed_kg(request_, lot) == expected


@pytest.mark.parametrize(
    ("request_", "lot", "field", "code"),
    [
        (ClaimRequest(kg=Decimal("0")), CHAIRS, "kg", "not_positive"),
        (ClaimRequest(kg=Decimal("-1")), CHAIRS, "kg", "not_positive"),
        (ClaimRequest(kg=Decimal("0.0001")), CHAIRS, "kg", "too_precise"),
        (ClaimRequest(kg=Decimal("200.001")), CHAIRS, "kg", "too_large"),
        (ClaimRequest(kg=Decimal("1"), items=1), CHAIRS, "kg", "ambiguous"),
        (ClaimRequest(items=0), CHAIRS, "items", "not_positive"),
        (ClaimRequest(items=41), CHAIRS, "items", "too_many"),
        (
            ClaimRequest(items=1),
            LotShare(Decimal("50"), None, Decimal("50")),
            "items",
            "not_counted",
        ),
    ],
)
def test_a_malformed_claim_is_refused_naming_its_field(
    request_: ClaimRequest, lot: LotShare, field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        claimed_kg(request_, lot)
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]


def test_claiming_all_of_a_lot_with_nothing_left_is_a_conflict_saying_so() -> None:
    with pytest.raises(Conflict, match=r"0\.000 kg left"):
        claimed_kg(ClaimRequest(), LotShare(Decimal("10"), None, Decimal("0")))


@pytest.mark.parametrize(
    ("pickup", "codes"),
    [
        (NOW + timedelta(days=1), []),
        (NOW - timedelta(minutes=1), ["in_the_past"]),
        (NOW + timedelta(days=8), ["after_deadline"]),
        (NOW + timedelta(days=5), ["site_closed"]),  # Sunday
        (datetime(2026, 3, 11, 10, 0), ["naive"]),  # noqa: DTZ001 - the naive value under test
    ],
)
def test_a_pickup_is_on_an_open_day_before_the_deadline_and_not_in_the_past(
    pickup: datetime, codes: list[str]
) -> None:
    errors = pickup_errors(
        pickup,
        opening_weekdays=frozenset({1, 2, 3, 4, 5, 6}),
        available_from=NOW - timedelta(days=1),
        deadline=NOW + timedelta(days=7),
        now=NOW,
        zone=ZoneInfo("Europe/Paris"),
    )
    assert [e.code for e in errors] == codes


@pytest.mark.parametrize(
    ("measured", "code"),
    [(Decimal("0"), "not_positive"), (Decimal("-3"), "not_positive"),
     (Decimal("1.0001"), "too_precise"), (Decimal("50001"), "too_large")],
)  # fmt: skip
def test_a_weighing_is_a_positive_number_of_grams(measured: Decimal, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        accept_measurement(measured)
    assert [(e.field, e.code) for e in refused.value.errors] == [("measured_kg", code)]


TEN_CHAIRS = ClaimedPart(Decimal("50"), 10, Decimal("1"), Decimal("60"))


@pytest.mark.parametrize(
    ("measured", "part", "flag"),
    [
        (Decimal("48"), TEN_CHAIRS, None),
        (Decimal("140"), TEN_CHAIRS, None),
        (Decimal("48000"), TEN_CHAIRS, "looks_like_grams"),
        (Decimal("400"), TEN_CHAIRS, "far_above_claimed"),
        (Decimal("700"), ClaimedPart(Decimal("300"), 10, Decimal("1"), Decimal("60")),
         "heavier_than_plausible"),
        (Decimal("40000"), ClaimedPart(Decimal("40"), None, Decimal("1"), Decimal("60")),
         "looks_like_grams"),
    ],
)  # fmt: skip
def test_an_implausible_weighing_is_flagged(
    measured: Decimal, part: ClaimedPart, flag: str | None
) -> None:
    assert reception_anomaly(measured, part) == flag


@pytest.mark.parametrize(
    ("lines", "field", "code"),
    [
        ({}, "lines", "required"),
        ({"revente": Decimal("1")}, "lines.revente", "unknown"),
        ({"reemploi": Decimal("0")}, "lines.reemploi", "not_positive"),
        ({"reemploi": Decimal("1.0001")}, "lines.reemploi", "too_precise"),
        ({"reemploi": Decimal("80"), "recyclage": Decimal("20.001")}, "lines", "exceeds_received"),
    ],
)
def test_outcomes_use_the_vocabulary_and_never_exceed_what_was_received(
    lines: dict[str, Decimal], field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        accept_outcomes(lines, OUTCOMES, Decimal("100"))
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]


def test_outcomes_may_leave_part_of_the_received_weight_unreported() -> None:
    lines = {"reemploi": Decimal("60"), "recyclage": Decimal("40")}
    assert accept_outcomes(lines, OUTCOMES, Decimal("100")) == lines


@pytest.mark.parametrize(
    ("reason", "code"), [("", "required"), ("   ", "required"), ("x" * 2001, "too_long")]
)
def test_a_reason_is_required_and_bounded(reason: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        accept_reason(reason)
    assert [e.code for e in refused.value.errors] == [code]


@pytest.mark.parametrize(("days", "allowed"), [(29, True), (30, True), (31, False)])
def test_outcomes_can_be_corrected_within_the_window(days: int, allowed: bool) -> None:
    later = NOW + timedelta(days=days)
    if allowed:
        ensure_correctable(NOW, later, timedelta(days=30))
    else:
        with pytest.raises(Conflict):
            ensure_correctable(NOW, later, timedelta(days=30))
