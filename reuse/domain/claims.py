"""Rules for claiming a lot and booking its pickup: how many kilograms, which day, which status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal

from reuse.domain.errors import Conflict, FieldError, ValidationFailed
from reuse.domain.quantities import is_whole_grams, kg
from reuse.domain.vocabulary import ClaimStatus

ISO_DAYS = ("", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ClaimRequest:
    """What a recycler asks for: a weight, a number of items, or neither for all that is left."""

    kg: Decimal | None = None
    items: int | None = None


@dataclass(frozen=True)
class LotShare:
    """What the claim rules need to know about the lot."""

    estimated_kg: Decimal
    item_count: int | None
    remaining_kg: Decimal


def claimed_kg(request: ClaimRequest, lot: LotShare) -> Decimal:
    """The kilograms a request takes; raise ValidationFailed for a bad request, Conflict if empty."""
    errors = request_errors(request, lot)
    if errors:
        raise ValidationFailed(errors)
    if request.items is not None:
        return items_kg(request.items, lot)
    if request.kg is not None:
        return request.kg
    if lot.remaining_kg <= 0:
        raise Conflict(nothing_left(lot.remaining_kg))
    return lot.remaining_kg


def items_kg(items: int, lot: LotShare) -> Decimal:
    """Kilograms of `items` at the lot's own weight per item; the last items take what is left."""
    assert lot.item_count
    per_item = lot.estimated_kg / lot.item_count
    items_left = round(lot.remaining_kg / per_item)
    if items == items_left and lot.remaining_kg > 0:
        return lot.remaining_kg
    return kg(per_item * items)


def request_errors(request: ClaimRequest, lot: LotShare) -> list[FieldError]:
    """Every reason a claim request is malformed for this lot (not what others took meanwhile)."""
    if request.kg is not None and request.items is not None:
        return [FieldError("kg", "ambiguous", "give kilograms or items, not both")]
    if request.items is not None:
        return _items_errors(request.items, lot)
    if request.kg is not None:
        return _kg_errors(request.kg, lot)
    return []


def _kg_errors(amount: Decimal, lot: LotShare) -> list[FieldError]:
    if amount <= 0:
        return [FieldError("kg", "not_positive", "must be greater than 0 kg")]
    if not is_whole_grams(amount):
        return [FieldError("kg", "too_precise", "at most 3 decimals (grams)")]
    if amount > lot.estimated_kg:
        return [FieldError("kg", "too_large", f"the lot weighs {lot.estimated_kg} kg")]
    return []


def _items_errors(items: int, lot: LotShare) -> list[FieldError]:
    if lot.item_count is None:
        return [FieldError("items", "not_counted", "this lot was declared by weight: claim kg")]
    if items < 1:
        return [FieldError("items", "not_positive", "claim at least one item")]
    if items > lot.item_count:
        return [FieldError("items", "too_many", f"the lot has {lot.item_count} items")]
    return []


def nothing_left(remaining_kg: Decimal) -> str:
    """The conflict message of a claim that asked for more than is left."""
    if remaining_kg <= 0:
        return "this lot has already been claimed: 0.000 kg left"
    return f"only {remaining_kg} kg of this lot are left: claim at most that"


def no_capacity_left(left_kg: Decimal) -> str:
    """The conflict message of a claim beyond the actor's weekly capacity."""
    return f"this claim exceeds your weekly capacity: {max(left_kg, Decimal(0))} kg left this week"


def pickup_errors(
    pickup_at: datetime,
    *,
    opening_weekdays: frozenset[int],
    available_from: datetime,
    deadline: datetime,
    now: datetime,
    zone: tzinfo,
) -> list[FieldError]:
    """Why a pickup slot is refused: in the past, outside availability, or the site is closed."""
    if pickup_at.tzinfo is None:
        return [FieldError("pickup_at", "naive", "give a time zone with the pickup time")]
    if pickup_at < now:
        return [FieldError("pickup_at", "in_the_past", "must be in the future")]
    if pickup_at < available_from:
        return [FieldError("pickup_at", "before_availability", "the lot is not available yet")]
    if pickup_at >= deadline:
        return [FieldError("pickup_at", "after_deadline", "must be before the lot's deadline")]
    weekday = pickup_at.astimezone(zone).isoweekday()
    if weekday not in opening_weekdays:
        return [
            FieldError("pickup_at", "site_closed", f"the site is closed on {ISO_DAYS[weekday]}")
        ]
    return []


def ensure_active(status: ClaimStatus, action: str) -> None:
    """Refuse to `action` a claim that is no longer active (released, received…)."""
    if status is not ClaimStatus.ACTIVE:
        raise Conflict(f"this claim is {status.value.replace('_', ' ')}: it cannot be {action}")


def ensure_pickup_missed(pickup_at: datetime | None, now: datetime) -> None:
    """Refuse a no-show before the booked pickup time has come."""
    if pickup_at is not None and now < pickup_at:
        raise Conflict(f"the pickup is booked for {pickup_at.isoformat()}: it is not missed yet")
