"""Waves: the best few first, then more, then a wider radius, then the agent is told."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from reuse.domain.matching import (
    ActorProfile,
    LotToMatch,
    MatchPolicy,
    is_past_deadline,
    plan_wave,
)
from reuse.domain.quantities import kg
from reuse.domain.vocabulary import Condition

MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
POLICY = MatchPolicy()
KM_PER_DEGREE_LAT = 111.2


def a_lot(**overrides: Any) -> LotToMatch:
    lot = LotToMatch(
        lot_id="lot-1",
        subcategory="mobilier.chaise",
        subcategory_label="Chaises",
        condition=Condition.AS_IS,
        lat=48.0,
        lon=-3.0,
        remaining_kg=kg(200),
        min_part_kg=kg(20),
        available_from=MONDAY,
        deadline=MONDAY + timedelta(days=7),
    )
    return replace(lot, **overrides)


def an_actor_at_km(actor_id: str, km: float, radius_km: float = 30.0) -> ActorProfile:
    """An eligible actor `km` (great-circle) north of the lot."""
    return ActorProfile(
        actor_id=actor_id,
        name=actor_id,
        lat=48.0 + km / KM_PER_DEGREE_LAT,
        lon=-3.0,
        radius_km=radius_km,
        active=True,
        accepted={"mobilier.chaise": frozenset(Condition)},
        weekly_capacity_kg=kg(500),
        claimed_this_week_kg=kg(0),
        collection_weekdays=frozenset(range(1, 8)),
        recent_offers=0,
        no_shows=0,
        completed_pickups=0,
    )


NEARBY = [an_actor_at_km(f"near-{n}", float(n + 1)) for n in range(8)]
# 20 km great-circle is 26 km with the detour: beyond 20 km, within 20 × 1.5.
BEYOND = [an_actor_at_km(f"beyond-{n}", 20.0 + n / 10, radius_km=20.0) for n in range(2)]


def offered(plan_actors: list[ActorProfile], already: set[str], wave: int) -> list[str]:
    plan = plan_wave(a_lot(), plan_actors, frozenset(already), wave, MONDAY, POLICY)
    return [offer.actor_id for offer in plan.offers]


def test_wave_one_goes_to_the_best_wave_size_actors() -> None:
    assert offered(NEARBY, set(), 1) == ["near-0", "near-1", "near-2"]


def test_a_later_wave_adds_wave_growth_actors_not_yet_offered() -> None:
    already = {"near-0", "near-1", "near-2"}
    plan = plan_wave(a_lot(), NEARBY, frozenset(already), 2, MONDAY, POLICY)
    assert [o.actor_id for o in plan.offers] == ["near-3", "near-4", "near-5"]
    assert [o.rank for o in plan.offers] == [4, 5, 6]
    assert plan.radius_factor == 1.0
    assert not plan.unmatched


def test_the_radius_widens_only_once_the_usual_radius_is_exhausted() -> None:
    actors = NEARBY[:2] + BEYOND
    assert offered(actors, set(), 1) == ["near-0", "near-1"]
    plan = plan_wave(a_lot(), actors, frozenset({"near-0", "near-1"}), 2, MONDAY, POLICY)
    assert [o.actor_id for o in plan.offers] == ["beyond-0", "beyond-1"]
    assert plan.radius_factor == POLICY.radius_widening
    assert all(o.reasons[-1] == "rayon de collecte élargi" for o in plan.offers)


def test_a_lot_nobody_can_take_is_unmatched_with_no_next_wave() -> None:
    plan = plan_wave(a_lot(), [], frozenset(), 1, MONDAY, POLICY)
    assert plan.offers == ()
    assert plan.unmatched
    assert plan.next_wave_at is None


def test_nobody_in_the_usual_radius_is_unmatched_but_widens_next_wave() -> None:
    plan = plan_wave(a_lot(), BEYOND, frozenset(), 1, MONDAY, POLICY)
    assert plan.unmatched
    assert plan.next_wave_at == MONDAY + POLICY.hold_window
    widened = plan_wave(a_lot(), BEYOND, frozenset(), 2, MONDAY + POLICY.hold_window, POLICY)
    assert [o.actor_id for o in widened.offers] == ["beyond-0", "beyond-1"]


def test_when_everyone_was_offered_even_widened_nothing_is_left() -> None:
    everyone = frozenset(a.actor_id for a in NEARBY[:2] + BEYOND)
    plan = plan_wave(a_lot(), NEARBY[:2] + BEYOND, everyone, 3, MONDAY, POLICY)
    assert (plan.offers, plan.unmatched, plan.next_wave_at) == ((), True, None)


@pytest.mark.parametrize(
    ("wave", "deadline_in", "next_wave_at"),
    [
        (1, timedelta(days=7), MONDAY + timedelta(hours=2)),
        (3, timedelta(days=7), MONDAY + timedelta(hours=2)),
        (4, timedelta(days=7), None),
        (1, timedelta(hours=2), None),
    ],
    ids=["first-wave", "third-wave", "last-wave", "deadline-before-next-wave"],
)
def test_the_next_wave_is_due_after_the_hold_window_while_waves_and_time_remain(
    wave: int, deadline_in: timedelta, next_wave_at: datetime | None
) -> None:
    lot = a_lot(deadline=MONDAY + deadline_in)
    plan = plan_wave(lot, NEARBY, frozenset(), wave, MONDAY, POLICY)
    assert plan.offers
    assert plan.next_wave_at == next_wave_at


def test_no_wave_runs_beyond_max_waves() -> None:
    plan = plan_wave(a_lot(), NEARBY, frozenset({"near-0"}), 5, MONDAY, POLICY)
    assert (plan.offers, plan.unmatched, plan.next_wave_at) == ((), False, None)


def test_no_offer_is_sent_once_the_deadline_has_passed() -> None:
    late = MONDAY + timedelta(days=8)
    plan = plan_wave(a_lot(), NEARBY, frozenset(), 1, late, POLICY)
    assert (plan.offers, plan.unmatched) == ((), True)


def test_wave_size_and_growth_come_from_the_policy() -> None:
    policy = MatchPolicy(wave_size=1, wave_growth=5)
    first = plan_wave(a_lot(), NEARBY, frozenset(), 1, MONDAY, policy)
    second = plan_wave(a_lot(), NEARBY, frozenset({"near-0"}), 2, MONDAY, policy)
    assert (len(first.offers), len(second.offers)) == (1, 5)


@pytest.mark.parametrize(
    ("now", "past"),
    [
        (MONDAY - timedelta(seconds=1), False),
        (MONDAY, False),
        (MONDAY + timedelta(microseconds=1), True),
    ],
    ids=["before", "at", "after"],
)
def test_a_deadline_is_past_only_after_its_moment(now: datetime, past: bool) -> None:
    assert is_past_deadline(MONDAY, now) is past
