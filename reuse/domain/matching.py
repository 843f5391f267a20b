"""Which reuse actors may take a lot, in which order, and in which wave.

Pure rules over frozen values: the clock, the thresholds and the actors' figures are
arguments. Distances are great-circle kilometres times the policy's road-detour factor.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from reuse.domain.french import french_date, french_mass, french_number
from reuse.domain.geo import great_circle_km
from reuse.domain.spatial import GridIndex, GridShape, build_grid_index
from reuse.domain.vocabulary import Condition


@dataclass(frozen=True, slots=True)
class LotToMatch:
    """What matching needs to know about a lot."""

    lot_id: str
    subcategory: str
    subcategory_label: str
    condition: Condition
    lat: float
    lon: float
    remaining_kg: Decimal
    min_part_kg: Decimal
    available_from: datetime
    deadline: datetime


@dataclass(frozen=True, slots=True)
class ActorProfile:
    """What matching needs to know about a reuse actor (figures counted by the caller)."""

    actor_id: str
    name: str
    lat: float
    lon: float
    radius_km: float
    active: bool
    accepted: Mapping[str, frozenset[Condition]]
    weekly_capacity_kg: Decimal
    claimed_this_week_kg: Decimal
    collection_weekdays: frozenset[int]
    recent_offers: int
    no_shows: int
    completed_pickups: int


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """A territory's matching thresholds."""

    wave_size: int = 3
    wave_growth: int = 3
    hold_window: timedelta = timedelta(hours=2)
    radius_widening: float = 1.5
    max_waves: int = 4
    detour_factor: float = 1.3
    fairness_window: timedelta = timedelta(days=30)


class IneligibilityReason(StrEnum):
    INACTIVE = "inactive"
    SUBCATEGORY_NOT_ACCEPTED = "subcategory_not_accepted"
    CONDITION_NOT_ACCEPTED = "condition_not_accepted"
    OUT_OF_RADIUS = "out_of_radius"
    NO_CAPACITY = "no_capacity"
    NO_COLLECTION_DAY = "no_collection_day"


@dataclass(frozen=True, slots=True)
class Eligible:
    """An actor that may receive the lot, with the facts that rank it."""

    actor: ActorProfile
    distance_km: float
    headroom_kg: Decimal
    collection_date: date


@dataclass(frozen=True, slots=True)
class Ineligible:
    """An actor that may not receive the lot, and the first rule it fails."""

    actor_id: str
    reason: IneligibilityReason


@dataclass(frozen=True, slots=True)
class RankedOffer:
    """An offer to send: its rank, score (0..1, higher is better) and French reasons."""

    actor_id: str
    rank: int
    score: float
    distance_km: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WavePlan:
    """What one wave sends; `unmatched` means nobody can be offered the lot now."""

    wave_number: int
    offers: tuple[RankedOffer, ...]
    radius_factor: float
    unmatched: bool
    next_wave_at: datetime | None


def next_collection_date(weekdays: frozenset[int], first: date, last: date) -> date | None:
    """Return the first date in [first, last] whose ISO weekday is in `weekdays`."""
    if not weekdays or first > last:
        return None
    today = first.isoweekday()
    found = first + timedelta(days=min((day - today) % 7 for day in weekdays))
    return found if found <= last else None


def eligibility(
    lot: LotToMatch,
    actor: ActorProfile,
    now: datetime,
    policy: MatchPolicy,
    radius_factor: float = 1.0,
) -> Eligible | Ineligible:
    """Check an actor against the lot, cheapest rules first, and say why it fails."""
    verdict = _assess(lot, actor, now, policy, radius_factor)
    if isinstance(verdict, Eligible):
        return verdict
    return Ineligible(actor.actor_id, verdict)


def _assess(
    lot: LotToMatch, actor: ActorProfile, now: datetime, policy: MatchPolicy, radius_factor: float
) -> Eligible | IneligibilityReason:
    """Apply the eligibility rules in order; return the facts or the first failed rule."""
    if not actor.active:
        return IneligibilityReason.INACTIVE
    conditions = actor.accepted.get(lot.subcategory)
    if conditions is None:
        return IneligibilityReason.SUBCATEGORY_NOT_ACCEPTED
    if lot.condition not in conditions:
        return IneligibilityReason.CONDITION_NOT_ACCEPTED
    distance = great_circle_km(lot.lat, lot.lon, actor.lat, actor.lon) * policy.detour_factor
    if distance > actor.radius_km * radius_factor:
        return IneligibilityReason.OUT_OF_RADIUS
    headroom = actor.weekly_capacity_kg - actor.claimed_this_week_kg
    if headroom <= 0 or headroom < min(lot.remaining_kg, lot.min_part_kg):
        return IneligibilityReason.NO_CAPACITY
    first = max(now.date(), lot.available_from.date())
    day = next_collection_date(actor.collection_weekdays, first, lot.deadline.date())
    if day is None:
        return IneligibilityReason.NO_COLLECTION_DAY
    return Eligible(actor, distance, headroom, day)


# Score weights follow the design's order of importance: distance, capacity, fairness,
# reliability. Each component lies in 0..1, so the score does too.
PROXIMITY_WEIGHT = 0.5
CAPACITY_WEIGHT = 0.2
FAIRNESS_WEIGHT = 0.2
RELIABILITY_WEIGHT = 0.1
PROXIMITY_HALF_KM = 10.0
"""Distance at which the proximity component falls to one half."""
FAIRNESS_HALF_OFFERS = 10.0
"""Recent offers at which the fairness component falls to one half."""


def offer_score(lot: LotToMatch, eligible: Eligible) -> float:
    """Score an eligible actor in 0..1, rounded to 6 decimals so ties are exact."""
    actor = eligible.actor
    proximity = 1.0 / (1.0 + eligible.distance_km / PROXIMITY_HALF_KM)
    remaining = float(lot.remaining_kg)
    capacity = min(1.0, float(eligible.headroom_kg) / remaining) if remaining > 0 else 1.0
    fairness = 1.0 / (1.0 + actor.recent_offers / FAIRNESS_HALF_OFFERS)
    done = actor.completed_pickups
    reliability = (done + 1) / (done + actor.no_shows + 1)
    return round(
        PROXIMITY_WEIGHT * proximity
        + CAPACITY_WEIGHT * capacity
        + FAIRNESS_WEIGHT * fairness
        + RELIABILITY_WEIGHT * reliability,
        6,
    )


FEW_RECENT_OFFERS = 2
"""At most this many offers within the fairness window reads as "peu sollicité"."""


def offer_reasons(lot: LotToMatch, eligible: Eligible) -> tuple[str, ...]:
    """Explain in French why this actor is offered the lot."""
    actor = eligible.actor
    reasons = [
        f"{french_number(eligible.distance_km, 1)} km",
        f"accepte {lot.subcategory_label}",
        f"{french_mass(eligible.headroom_kg)} libres cette semaine",
        f"collecte possible {french_date(eligible.collection_date)}",
    ]
    if actor.recent_offers <= FEW_RECENT_OFFERS:
        reasons.append("peu sollicité récemment")
    if actor.no_shows:
        total = actor.no_shows + actor.completed_pickups
        plural = "s" if actor.no_shows > 1 else ""
        reasons.append(f"{actor.no_shows} rendez-vous manqué{plural} sur {total}")
    elif actor.completed_pickups:
        reasons.append("aucun rendez-vous manqué")
    return tuple(reasons)


def rank(
    lot: LotToMatch,
    eligibles: Iterable[Eligible],
    policy: MatchPolicy,
    first_rank: int = 1,
    limit: int | None = None,
) -> list[RankedOffer]:
    """Order eligible actors by score, then distance, then actor id; keep `limit` best."""
    scored = sorted(
        ((offer_score(lot, e), e) for e in eligibles),
        key=lambda pair: (-pair[0], pair[1].distance_km, pair[1].actor.actor_id),
    )
    return [
        RankedOffer(
            actor_id=e.actor.actor_id,
            rank=first_rank + position,
            score=score,
            distance_km=e.distance_km,
            reasons=offer_reasons(lot, e),
        )
        for position, (score, e) in enumerate(scored[:limit])
    ]


def is_past_deadline(lot_deadline: datetime, now: datetime) -> bool:
    """Tell whether the lot's must-be-gone-by moment has passed."""
    return now > lot_deadline


def eligible_among(
    lot: LotToMatch,
    actors: Iterable[ActorProfile],
    now: datetime,
    policy: MatchPolicy,
    radius_factor: float = 1.0,
) -> list[Eligible]:
    """Keep the actors that pass every eligibility rule."""
    found = []
    for actor in actors:
        verdict = _assess(lot, actor, now, policy, radius_factor)
        if type(verdict) is Eligible:
            found.append(verdict)
    return found


WIDENED_REASON = "rayon de collecte élargi"


def plan_wave(
    lot: LotToMatch,
    actors_in_reach: Iterable[ActorProfile],
    already_offered: frozenset[str],
    wave_number: int,
    now: datetime,
    policy: MatchPolicy,
) -> WavePlan:
    """Pick the next actors to offer the lot to, widening the radius once the list runs out."""
    if wave_number > policy.max_waves or is_past_deadline(lot.deadline, now):
        return WavePlan(wave_number, (), 1.0, not already_offered, None)
    actors = list(actors_in_reach)
    size = policy.wave_size if wave_number == 1 else policy.wave_growth
    factors = (1.0,) if wave_number == 1 else (1.0, policy.radius_widening)
    for factor in factors:
        fresh = _not_yet_offered(lot, actors, already_offered, now, policy, factor)
        if fresh:
            offers = rank(lot, fresh, policy, len(already_offered) + 1, size)
            if factor > 1.0:
                offers = [replace(o, reasons=(*o.reasons, WIDENED_REASON)) for o in offers]
            next_at = _next_wave_at(lot, now, policy, wave_number)
            return WavePlan(wave_number, tuple(offers), factor, False, next_at)
    can_widen = wave_number == 1 and any(
        isinstance(eligibility(lot, a, now, policy, policy.radius_widening), Eligible)
        for a in actors
    )
    next_at = _next_wave_at(lot, now, policy, wave_number) if can_widen else None
    return WavePlan(wave_number, (), 1.0, True, next_at)


def _not_yet_offered(
    lot: LotToMatch,
    actors: list[ActorProfile],
    already_offered: frozenset[str],
    now: datetime,
    policy: MatchPolicy,
    radius_factor: float,
) -> list[Eligible]:
    """Return the eligible actors at this radius that have not had an offer yet."""
    eligibles = eligible_among(lot, actors, now, policy, radius_factor)
    return [e for e in eligibles if e.actor.actor_id not in already_offered]


def _next_wave_at(
    lot: LotToMatch, now: datetime, policy: MatchPolicy, wave_number: int
) -> datetime | None:
    """Return when the next wave is due, or None when no further wave may run."""
    due = now + policy.hold_window
    return due if wave_number < policy.max_waves and due < lot.deadline else None


@dataclass(frozen=True, slots=True)
class ActorIndex:
    """Actors filed by accepted subcategory and by the grid cells their reach touches."""

    grid: GridIndex
    reach_scales: tuple[float, ...]
    """Great-circle reach filed per tier, as a multiple of the service radius."""

    def tier_for(self, radius_factor: float, policy: MatchPolicy) -> int:
        """Return the first tier that covers the radius × `radius_factor` reach."""
        reach = radius_factor / policy.detour_factor
        for tier, scale in enumerate(self.reach_scales):
            if reach <= scale:
                return tier
        raise ValueError(f"the index does not reach radius × {radius_factor}")


def index_actors(
    actors: Iterable[ActorProfile], policy: MatchPolicy, shape: GridShape | None = None
) -> ActorIndex:
    """Build the prefilter for the usual and widened radius; rebuild when an actor changes."""
    factors = sorted({1.0, max(1.0, policy.radius_widening)})
    scales = tuple(factor / policy.detour_factor for factor in factors)
    discs = (
        (a.actor_id, a.lat, a.lon, [a.radius_km * scale for scale in scales], a.accepted)
        for a in actors
    )
    return ActorIndex(build_grid_index(discs, shape), scales)


def candidates_for(
    lot: LotToMatch,
    index: ActorIndex,
    actors_by_id: Mapping[str, ActorProfile],
    now: datetime,
    policy: MatchPolicy,
    radius_factor: float = 1.0,
) -> list[Eligible]:
    """Return the eligible actors, reading one grid cell instead of scanning everyone."""
    tier = index.tier_for(radius_factor, policy)
    ids = index.grid.candidates(lot.subcategory, lot.lat, lot.lon, tier)
    found = [actor for actor in map(actors_by_id.get, ids) if actor is not None]
    return eligible_among(lot, found, now, policy, radius_factor)


def naive_candidates_for(
    lot: LotToMatch,
    actors: Iterable[ActorProfile],
    now: datetime,
    policy: MatchPolicy,
    radius_factor: float = 1.0,
) -> list[Eligible]:
    """Return the eligible actors by checking every actor (the baseline the index must equal)."""
    return eligible_among(lot, actors, now, policy, radius_factor)
