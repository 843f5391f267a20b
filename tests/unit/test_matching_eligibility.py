"""Which actors may receive a lot, and the first rule the others fail."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from reuse.domain.geo import great_circle_km
from reuse.domain.matching import (
    ActorProfile,
    Eligible,
    IneligibilityReason,
    Ineligible,
    LotToMatch,
    MatchPolicy,
    eligibility,
    next_collection_date,
)
from reuse.domain.quantities import kg
from reuse.domain.vocabulary import Condition

MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MORLAIX = (48.5775, -3.8278)
POLICY = MatchPolicy()


def a_lot(**overrides: Any) -> LotToMatch:
    """A sofa in Morlaix, available now, to be gone by Saturday."""
    lot = LotToMatch(
        lot_id="lot-1",
        subcategory="mobilier.canape",
        subcategory_label="Canapés et banquettes",
        condition=Condition.AS_IS,
        lat=MORLAIX[0],
        lon=MORLAIX[1],
        remaining_kg=kg(40),
        min_part_kg=kg(40),
        available_from=MONDAY,
        deadline=MONDAY + timedelta(days=5),
    )
    return replace(lot, **overrides)


def an_actor(**overrides: Any) -> ActorProfile:
    """An active ressourcerie next to the lot that takes sofas and collects every weekday."""
    actor = ActorProfile(
        actor_id="actor-1",
        name="Ressourcerie du Pays de Morlaix",
        lat=MORLAIX[0],
        lon=MORLAIX[1],
        radius_km=30.0,
        active=True,
        accepted={"mobilier.canape": frozenset({Condition.AS_IS, Condition.TO_REPAIR})},
        weekly_capacity_kg=kg(1000),
        claimed_this_week_kg=kg(0),
        collection_weekdays=frozenset({1, 2, 3, 4, 5}),
        recent_offers=0,
        no_shows=0,
        completed_pickups=0,
    )
    return replace(actor, **overrides)


def reason_of(verdict: Eligible | Ineligible) -> IneligibilityReason | None:
    return verdict.reason if isinstance(verdict, Ineligible) else None


@pytest.mark.parametrize(
    ("lot", "actor", "reason"),
    [
        (a_lot(), an_actor(active=False), IneligibilityReason.INACTIVE),
        (
            a_lot(subcategory="electromenager.lave_linge"),
            an_actor(),
            IneligibilityReason.SUBCATEGORY_NOT_ACCEPTED,
        ),
        (
            a_lot(condition=Condition.FOR_PARTS),
            an_actor(),
            IneligibilityReason.CONDITION_NOT_ACCEPTED,
        ),
        (a_lot(), an_actor(lat=MORLAIX[0] + 1.0), IneligibilityReason.OUT_OF_RADIUS),
        (a_lot(), an_actor(claimed_this_week_kg=kg(970)), IneligibilityReason.NO_CAPACITY),
        (a_lot(), an_actor(claimed_this_week_kg=kg(1200)), IneligibilityReason.NO_CAPACITY),
        (
            a_lot(),
            an_actor(collection_weekdays=frozenset({7})),
            IneligibilityReason.NO_COLLECTION_DAY,
        ),
        (a_lot(), an_actor(collection_weekdays=frozenset()), IneligibilityReason.NO_COLLECTION_DAY),
        (
            a_lot(available_from=MONDAY + timedelta(days=6)),
            an_actor(),
            IneligibilityReason.NO_COLLECTION_DAY,
        ),
        (
            a_lot(deadline=MONDAY - timedelta(days=1)),
            an_actor(),
            IneligibilityReason.NO_COLLECTION_DAY,
        ),
    ],
    ids=[
        "inactive",
        "subcategory",
        "condition",
        "radius",
        "headroom-below-part",
        "over-claimed",
        "sunday-only",
        "no-days",
        "available-after-deadline",
        "deadline-passed",
    ],
)
def test_an_actor_failing_one_rule_is_ineligible_for_that_reason(
    lot: LotToMatch, actor: ActorProfile, reason: IneligibilityReason
) -> None:
    assert reason_of(eligibility(lot, actor, MONDAY, POLICY)) == reason


def test_rules_are_checked_in_order_so_the_first_failure_is_reported() -> None:
    actor = an_actor(active=False, lat=MORLAIX[0] + 5, collection_weekdays=frozenset())
    assert reason_of(eligibility(a_lot(), actor, MONDAY, POLICY)) == IneligibilityReason.INACTIVE


def test_ineligible_verdict_names_the_actor() -> None:
    verdict = eligibility(a_lot(), an_actor(active=False), MONDAY, POLICY)
    assert verdict == Ineligible("actor-1", IneligibilityReason.INACTIVE)


NORTH = (MORLAIX[0] + 0.2, MORLAIX[1])
DETOURED_KM = great_circle_km(*MORLAIX, *NORTH) * POLICY.detour_factor


@pytest.mark.parametrize(
    ("radius_km", "radius_factor", "eligible"),
    [
        (DETOURED_KM, 1.0, True),
        (DETOURED_KM * 0.999, 1.0, False),
        (DETOURED_KM / 1.5 * 1.001, 1.0, False),
        (DETOURED_KM / 1.5 * 1.001, 1.5, True),
        (DETOURED_KM / 1.5 * 0.999, 1.5, False),
    ],
    ids=[
        "exactly-at-radius",
        "just-outside",
        "beyond-usual-radius",
        "just-inside-widened",
        "just-outside-widened",
    ],
)
def test_an_actor_exactly_at_its_radius_counting_the_detour_is_in_reach(
    radius_km: float, radius_factor: float, eligible: bool
) -> None:
    actor = an_actor(lat=NORTH[0], lon=NORTH[1], radius_km=radius_km)
    verdict = eligibility(a_lot(), actor, MONDAY, POLICY, radius_factor)
    assert isinstance(verdict, Eligible) is eligible


def test_the_distance_given_is_great_circle_times_the_detour_factor() -> None:
    verdict = eligibility(a_lot(), an_actor(lat=NORTH[0], lon=NORTH[1]), MONDAY, POLICY)
    assert isinstance(verdict, Eligible)
    assert verdict.distance_km == pytest.approx(22.238 * 1.3, rel=1e-3)
    assert verdict.distance_km == DETOURED_KM


@pytest.mark.parametrize(
    ("remaining", "min_part", "claimed", "eligible"),
    [
        ("40", "10", "990", True),
        ("40", "10", "990.001", False),
        ("3", "10", "995", True),
        ("3", "10", "997.001", False),
        ("40", "40", "960", True),
        ("40", "0", "1000", False),
    ],
    ids=[
        "headroom-equals-min-part",
        "headroom-a-gram-short",
        "headroom-equals-small-remainder",
        "headroom-below-small-remainder",
        "headroom-equals-whole-lot",
        "no-headroom-at-all",
    ],
)
def test_capacity_must_cover_the_smallest_useful_part(
    remaining: str, min_part: str, claimed: str, eligible: bool
) -> None:
    lot = a_lot(remaining_kg=kg(remaining), min_part_kg=kg(min_part))
    verdict = eligibility(lot, an_actor(claimed_this_week_kg=kg(claimed)), MONDAY, POLICY)
    assert isinstance(verdict, Eligible) is eligible


def test_the_headroom_given_is_capacity_minus_claimed() -> None:
    verdict = eligibility(a_lot(), an_actor(claimed_this_week_kg=kg("250.5")), MONDAY, POLICY)
    assert isinstance(verdict, Eligible)
    assert verdict.headroom_kg == Decimal("749.500")


@pytest.mark.parametrize(
    ("weekdays", "available_from", "deadline", "expected"),
    [
        ({1}, MONDAY, MONDAY + timedelta(days=5), date(2025, 3, 3)),
        ({6}, MONDAY, MONDAY + timedelta(days=5), date(2025, 3, 8)),
        ({6}, MONDAY, MONDAY + timedelta(days=5, hours=-9), date(2025, 3, 8)),
        ({7}, MONDAY, MONDAY + timedelta(days=5), None),
        ({1, 3}, MONDAY + timedelta(days=1), MONDAY + timedelta(days=5), date(2025, 3, 5)),
        ({2, 4}, MONDAY - timedelta(days=3), MONDAY + timedelta(days=5), date(2025, 3, 4)),
        ({1}, MONDAY, MONDAY + timedelta(days=14), date(2025, 3, 3)),
    ],
    ids=[
        "today",
        "on-deadline-day",
        "deadline-day-early-morning",
        "only-after-deadline",
        "not-before-available",
        "not-in-the-past",
        "two-weeks",
    ],
)
def test_the_collection_date_is_the_first_collection_day_from_now_to_the_deadline(
    weekdays: set[int], available_from: datetime, deadline: datetime, expected: date | None
) -> None:
    lot = a_lot(available_from=available_from, deadline=deadline)
    verdict = eligibility(lot, an_actor(collection_weekdays=frozenset(weekdays)), MONDAY, POLICY)
    found = verdict.collection_date if isinstance(verdict, Eligible) else None
    assert found == expected


def test_a_collection_week_wraps_around_sunday() -> None:
    saturday = date(2025, 3, 8)
    assert next_collection_date(frozenset({2}), saturday, date(2025, 3, 31)) == date(2025, 3, 11)
