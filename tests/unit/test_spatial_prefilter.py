"""The grid prefilter never loses an actor that the full scan would find."""

from datetime import UTC, datetime, timedelta
from math import degrees

from hypothesis import given, settings
from hypothesis import strategies as st

from reuse.domain.geo import EARTH_RADIUS_KM, great_circle_km
from reuse.domain.matching import (
    ActorProfile,
    LotToMatch,
    MatchPolicy,
    candidates_for,
    index_actors,
    naive_candidates_for,
    rank,
)
from reuse.domain.quantities import kg
from reuse.domain.spatial import GridShape, build_grid_index
from reuse.domain.vocabulary import Condition

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SHAPES = st.sampled_from([GridShape(0.2), GridShape(0.25), GridShape(1.0), GridShape(2.5)])
KEYS = ("a", "b", "c")

france_lat = st.floats(42.3, 51.1)
france_lon = st.floats(-4.8, 8.2)
# Cell edges, with a hair either side, are where rounding would bite.
HAIRS = st.sampled_from([0.0, 1e-12, -1e-12, 1e-7, -1e-7])
lat_edge = st.builds(lambda n, hair: n * 0.25 + hair, st.integers(-359, 359), HAIRS)
lon_edge = st.builds(lambda n, hair: n * 0.25 + hair, st.integers(-719, 719), HAIRS)
anywhere_lat = st.one_of(st.floats(-90, 90), st.floats(84, 90), st.floats(-90, -84), lat_edge)
anywhere_lon = st.one_of(st.floats(-180, 180), st.floats(179, 180), st.floats(-180, -179), lon_edge)
region = st.sampled_from(["france", "anywhere"])


@st.composite
def discs_and_points(
    draw: st.DrawFn,
) -> tuple[list[tuple[str, float, float, float, float, str]], list[tuple[float, float]]]:
    """Random discs (id, lat, lon, radius, widened radius, key) and query points."""
    lats, lons = (
        (france_lat, france_lon) if draw(region) == "france" else (anywhere_lat, anywhere_lon)
    )
    count = draw(st.integers(1, 15))
    discs = []
    for n in range(count):
        lat, lon = draw(lats), draw(lons)
        radius = draw(st.floats(0.0, 150.0))
        discs.append(
            (
                f"d{n}",
                lat,
                lon,
                radius,
                radius * draw(st.floats(1.0, 2.0)),
                draw(st.sampled_from(KEYS)),
            )
        )
    points = [(draw(lats), draw(lons)) for _ in range(draw(st.integers(1, 15)))]
    # A point on a disc's rim, where the exact check is a coin toss that the index must follow.
    rim_disc = discs[draw(st.integers(0, count - 1))]
    rim_lat = rim_disc[1] + degrees(rim_disc[3] / EARTH_RADIUS_KM)
    if rim_lat <= 90:
        points.append((rim_lat, rim_disc[2]))
    return discs, points


@settings(max_examples=200, deadline=None)
@given(discs_and_points(), SHAPES)
def test_index_then_exact_check_equals_the_brute_force_set(
    case: tuple[list[tuple[str, float, float, float, float, str]], list[tuple[float, float]]],
    shape: GridShape,
) -> None:
    discs, points = case
    index = build_grid_index(((d, la, lo, (r, w), (k,)) for d, la, lo, r, w, k in discs), shape)
    by_id = {d[0]: d for d in discs}
    for lat, lon in points:
        for key in KEYS:
            for tier in (0, 1):
                exact = {
                    d
                    for d, la, lo, r, w, k in discs
                    if k == key and great_circle_km(lat, lon, la, lo) <= (r, w)[tier]
                }
                found = {
                    d
                    for d in index.candidates(key, lat, lon, tier)
                    if great_circle_km(lat, lon, by_id[d][1], by_id[d][2]) <= by_id[d][3 + tier]
                }
                assert found == exact


actor_strategy = st.builds(
    lambda n, lat, lon, radius, subs, condition, active, weekdays: ActorProfile(
        actor_id=f"actor-{n}",
        name=f"Acteur {n}",
        lat=lat,
        lon=lon,
        radius_km=radius,
        active=active,
        accepted={sub: frozenset({condition}) for sub in subs},
        weekly_capacity_kg=kg(500),
        claimed_this_week_kg=kg(0),
        collection_weekdays=frozenset(weekdays),
        recent_offers=n % 7,
        no_shows=n % 3,
        completed_pickups=n % 11,
    ),
    st.integers(0, 10_000),
    france_lat,
    france_lon,
    st.floats(1.0, 120.0),
    st.sets(st.sampled_from(KEYS), min_size=1, max_size=3),
    st.sampled_from(list(Condition)),
    st.booleans(),
    st.sets(st.integers(1, 7), max_size=7),
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(actor_strategy, min_size=1, max_size=40, unique_by=lambda a: a.actor_id),
    st.lists(st.tuples(france_lat, france_lon, st.sampled_from(KEYS)), min_size=1, max_size=10),
    st.sampled_from([1.0, 1.5]),
    st.sampled_from([1.0, 1.3, 1.6]),
    SHAPES,
)
def test_candidates_for_finds_exactly_the_full_scan_offers(
    actors: list[ActorProfile],
    sites: list[tuple[float, float, str]],
    radius_factor: float,
    detour: float,
    shape: GridShape,
) -> None:
    policy = MatchPolicy(detour_factor=detour)
    index = index_actors(actors, policy, shape)
    by_id = {a.actor_id: a for a in actors}
    for n, (lat, lon, sub) in enumerate(sites):
        lot = LotToMatch(
            f"lot-{n}",
            sub,
            sub,
            Condition.AS_IS,
            lat,
            lon,
            kg(50),
            kg(5),
            NOW,
            NOW + timedelta(days=6),
        )
        fast = candidates_for(lot, index, by_id, NOW, policy, radius_factor)
        slow = naive_candidates_for(lot, actors, NOW, policy, radius_factor)
        assert rank(lot, fast, policy) == rank(lot, slow, policy)


def test_an_index_refuses_a_reach_it_was_not_built_for() -> None:
    policy = MatchPolicy()
    index = index_actors([], policy)
    lot = LotToMatch("l", "a", "a", Condition.AS_IS, 48.0, -3.0, kg(1), kg(1), NOW, NOW)
    try:
        candidates_for(lot, index, {}, NOW, policy, radius_factor=2.0)
    except ValueError:
        return
    raise AssertionError("a reach beyond the index was accepted")
