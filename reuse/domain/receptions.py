"""Rules for weighing what a claim brought in and reporting what became of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from reuse.domain.errors import Conflict, FieldError, ValidationFailed
from reuse.domain.lots import MAX_LOT_KG
from reuse.domain.quantities import is_whole_grams

FAR_ABOVE = Decimal(3)
"""A measured weight over this multiple of the claimed weight is flagged."""
CORRECTION_WINDOW = timedelta(days=30)
MAX_REASON = 2000


@dataclass(frozen=True)
class ClaimedPart:
    """What was expected of a claim: its kilograms, its items and their plausible unit weights."""

    claimed_kg: Decimal
    item_count: int | None
    min_item_kg: Decimal
    max_item_kg: Decimal


def accept_measurement(measured_kg: Decimal) -> None:
    """Refuse a weight that is not a positive number of kilograms with at most 3 decimals."""
    if measured_kg <= 0:
        message = "must be greater than 0 kg: record 'nothing collected' instead"
        raise ValidationFailed([FieldError("measured_kg", "not_positive", message)])
    if not is_whole_grams(measured_kg):
        message = "at most 3 decimals (grams)"
        raise ValidationFailed([FieldError("measured_kg", "too_precise", message)])
    if measured_kg > MAX_LOT_KG:
        message = f"must be at most {MAX_LOT_KG} kg"
        raise ValidationFailed([FieldError("measured_kg", "too_large", message)])


def reception_anomaly(measured_kg: Decimal, part: ClaimedPart) -> str | None:
    """Name what looks wrong with a measured weight; it is kept and the recycler asked to check."""
    if _looks_like_grams(measured_kg, part):
        return "looks_like_grams"
    if measured_kg > part.claimed_kg * FAR_ABOVE:
        return "far_above_claimed"
    if part.item_count and measured_kg / part.item_count > part.max_item_kg:
        return "heavier_than_plausible"
    return None


def _looks_like_grams(measured_kg: Decimal, part: ClaimedPart) -> bool:
    as_kg = measured_kg / 1000
    if part.item_count:
        per_item = measured_kg / part.item_count
        plausible = part.min_item_kg <= per_item / 1000 <= part.max_item_kg
        if per_item > part.max_item_kg and plausible:
            return True
    far_above = measured_kg > part.claimed_kg * FAR_ABOVE
    return far_above and part.claimed_kg / FAR_ABOVE <= as_kg <= part.claimed_kg * FAR_ABOVE


def accept_reason(reason: str, field: str = "reason") -> str:
    """A required free-text reason, trimmed."""
    text = reason.strip()
    if not text:
        raise ValidationFailed([FieldError(field, "required", "say why")])
    if len(text) > MAX_REASON:
        raise ValidationFailed([FieldError(field, "too_long", f"at most {MAX_REASON} characters")])
    return text


def accept_outcomes(
    lines: Mapping[str, Decimal], known: frozenset[str], received_kg: Decimal
) -> dict[str, Decimal]:
    """Check kilograms by outcome slug against the vocabulary and the received weight."""
    errors = [
        error for slug, amount in lines.items() for error in _line_errors(slug, amount, known)
    ]
    if not lines:
        errors.append(FieldError("lines", "required", "report at least one outcome"))
    total = sum(lines.values(), Decimal(0))
    if not errors and total > received_kg:
        message = f"{total} kg reported but only {received_kg} kg were received"
        errors.append(FieldError("lines", "exceeds_received", message))
    if errors:
        raise ValidationFailed(errors)
    return dict(lines)


def _line_errors(slug: str, amount: Decimal, known: frozenset[str]) -> list[FieldError]:
    field = f"lines.{slug}"
    if slug not in known:
        return [FieldError(field, "unknown", f"must be one of {', '.join(sorted(known))}")]
    if amount <= 0:
        return [FieldError(field, "not_positive", "must be greater than 0 kg")]
    if not is_whole_grams(amount):
        return [FieldError(field, "too_precise", "at most 3 decimals (grams)")]
    return []


def ensure_correctable(first_reported_at: datetime, now: datetime, window: timedelta) -> None:
    """Refuse a correction once the window after the first report has passed."""
    closes = first_reported_at + window
    if now > closes:
        raise Conflict(f"outcomes could be corrected until {closes.isoformat()}")
