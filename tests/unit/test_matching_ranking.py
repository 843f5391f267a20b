"""In which order eligible actors are offered a lot, and what the offer says."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from reuse.domain.french import french_mass
from reuse.domain.matching import (
    ActorProfile,
    Eligible,
    LotToMatch,
    MatchPolicy,
    offer_score,
    rank,
)
from reuse.domain.quantities import kg
from reuse.domain.vocabulary import Condition

MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
WEDNESDAY = date(2025, 3, 5)
POLICY = MatchPolicy()
NNBSP = "\u202f"


def a_lot(**overrides: Any) -> LotToMatch:
    lot = LotToMatch(
        lot_id="lot-1",
        subcategory="mobilier.canape",
        subcategory_label="Canapés et banquettes",
        condition=Condition.AS_IS,
        lat=48.5775,
        lon=-3.8278,
        remaining_kg=kg(400),
        min_part_kg=kg(40),
        available_from=MONDAY,
        deadline=MONDAY + timedelta(days=5),
    )
    return replace(lot, **overrides)


def an_actor(actor_id: str = "actor-a", **overrides: Any) -> ActorProfile:
    actor = ActorProfile(
        actor_id=actor_id,
        name=f"Ressourcerie {actor_id}",
        lat=48.5775,
        lon=-3.8278,
        radius_km=30.0,
        active=True,
        accepted={"mobilier.canape": frozenset({Condition.AS_IS})},
        weekly_capacity_kg=kg(1000),
        claimed_this_week_kg=kg(0),
        collection_weekdays=frozenset({3}),
        recent_offers=5,
        no_shows=0,
        completed_pickups=0,
    )
    return replace(actor, **overrides)


def an_eligible(
    actor_id: str = "actor-a",
    distance_km: float = 10.0,
    headroom: str = "200",
    **actor_overrides: Any,
) -> Eligible:
    return Eligible(an_actor(actor_id, **actor_overrides), distance_km, kg(headroom), WEDNESDAY)


def order_of(*eligibles: Eligible) -> list[str]:
    return [offer.actor_id for offer in rank(a_lot(), list(eligibles), POLICY)]


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        (an_eligible("near", distance_km=5.0), an_eligible("far", distance_km=25.0)),
        (an_eligible("roomy", headroom="400"), an_eligible("cramped", headroom="50")),
        (an_eligible("quiet", recent_offers=0), an_eligible("busy", recent_offers=40)),
        (
            an_eligible("reliable", completed_pickups=10),
            an_eligible("flaky", completed_pickups=10, no_shows=4),
        ),
    ],
    ids=["closer-first", "more-headroom", "fewer-recent-offers", "fewer-no-shows"],
)
def test_all_else_equal_the_better_actor_ranks_first(better: Eligible, worse: Eligible) -> None:
    assert order_of(worse, better) == [better.actor.actor_id, worse.actor.actor_id]


def test_distance_outweighs_a_small_fairness_difference() -> None:
    near_busy = an_eligible("near-busy", distance_km=2.0, recent_offers=8)
    far_quiet = an_eligible("far-quiet", distance_km=40.0, recent_offers=0)
    assert order_of(far_quiet, near_busy) == ["near-busy", "far-quiet"]


def test_headroom_beyond_the_whole_lot_earns_nothing_more() -> None:
    lot = a_lot(remaining_kg=kg(100))
    assert offer_score(lot, an_eligible(headroom="100")) == offer_score(
        lot, an_eligible(headroom="900")
    )


def test_identical_actors_are_ordered_by_actor_id() -> None:
    assert order_of(an_eligible("c"), an_eligible("a"), an_eligible("b")) == ["a", "b", "c"]


def test_ranks_count_from_first_rank_and_scores_do_not_increase() -> None:
    eligibles = [an_eligible(f"a{n}", distance_km=float(n)) for n in range(5)]
    offers = rank(a_lot(), eligibles, POLICY, first_rank=4)
    assert [offer.rank for offer in offers] == [4, 5, 6, 7, 8]
    assert all(0 <= o.score <= 1 for o in offers)
    assert [o.score for o in offers] == sorted((o.score for o in offers), reverse=True)


def test_limit_keeps_only_the_best() -> None:
    eligibles = [an_eligible(f"a{n}", distance_km=float(n)) for n in range(5)]
    assert [o.actor_id for o in rank(a_lot(), eligibles, POLICY, limit=2)] == ["a0", "a1"]


def test_an_offer_explains_itself_in_french() -> None:
    eligible = an_eligible(distance_km=12.44, headroom="1200", recent_offers=1)
    (offer,) = rank(a_lot(), [eligible], POLICY)
    assert offer.reasons == (
        "12,4 km",
        "accepte Canapés et banquettes",
        "1,2 t libres cette semaine",
        "collecte possible mercredi 5 mars",
        "peu sollicité récemment",
    )
    assert offer.distance_km == 12.44


@pytest.mark.parametrize(
    ("no_shows", "completed", "reason"),
    [
        (0, 12, "aucun rendez-vous manqué"),
        (1, 11, "1 rendez-vous manqué sur 12"),
        (3, 9, "3 rendez-vous manqués sur 12"),
        (0, 0, None),
    ],
)
def test_reliability_is_explained_when_there_is_a_history(
    no_shows: int, completed: int, reason: str | None
) -> None:
    eligible = an_eligible(no_shows=no_shows, completed_pickups=completed)
    (offer,) = rank(a_lot(), [eligible], POLICY)
    reliability = [r for r in offer.reasons if "rendez-vous" in r]
    assert reliability == ([reason] if reason else [])


@pytest.mark.parametrize(
    ("kilograms", "text"),
    [
        ("850", "850 kg"),
        ("0.5", "0,5 kg"),
        ("999.94", "999,9 kg"),
        ("1000", "1,0 t"),
        ("1250", "1,2 t"),
        ("12345678", f"12{NNBSP}345,7 t"),
    ],
)
def test_masses_read_the_french_way(kilograms: str, text: str) -> None:
    assert french_mass(Decimal(kilograms)) == text
