"""Rules for declaring a lot: what is refused, what is estimated, what looks implausible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from reuse.domain.errors import FieldError, ValidationFailed
from reuse.domain.quantities import is_whole_grams, kg
from reuse.domain.vocabulary import Condition

MAX_ITEMS = 100_000
MAX_LOT_KG = Decimal("50000")
MAX_DESCRIPTION = 2000
MAX_PHOTOS = 10
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


@dataclass(frozen=True)
class SubcategoryFacts:
    """What the rules need to know about the chosen subcategory."""

    slug: str
    reusable: bool
    unit_kg: Decimal
    min_item_kg: Decimal
    max_item_kg: Decimal


@dataclass(frozen=True)
class Photo:
    filename: str
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class LotDraft:
    """A declaration as typed by the agent, before any rule applies."""

    condition: str
    available_from: datetime
    deadline: datetime
    estimated_kg: Decimal | None = None
    item_count: int | None = None
    description: str = ""
    photos: tuple[Photo, ...] = ()


@dataclass(frozen=True)
class WeighedLot:
    """The accepted weight of a lot and what the platform noticed about it."""

    estimated_kg: Decimal
    weight_is_estimate: bool
    weight_flag: str | None


def accept_declaration(draft: LotDraft, sub: SubcategoryFacts, now: datetime) -> WeighedLot:
    """Check a draft against every rule at once; raise ValidationFailed naming each bad field."""
    errors = [
        *_subcategory_errors(sub),
        *_weight_errors(draft),
        *_date_errors(draft, now),
        *_condition_errors(draft.condition),
        *_text_errors(draft.description),
        *_photo_errors(draft.photos),
    ]
    if errors:
        raise ValidationFailed(errors)
    return weigh(draft.estimated_kg, draft.item_count, sub)


def weigh(
    estimated_kg: Decimal | None, item_count: int | None, sub: SubcategoryFacts
) -> WeighedLot:
    """Take the typed weight, or estimate it from the item count, and flag implausible ones."""
    if estimated_kg is None:
        assert item_count is not None
        return WeighedLot(kg(sub.unit_kg * item_count), True, None)
    return WeighedLot(kg(estimated_kg), False, weight_flag(estimated_kg, item_count, sub))


def weight_flag(estimated_kg: Decimal, item_count: int | None, sub: SubcategoryFacts) -> str | None:
    """Name what looks wrong with a typed weight (it is kept, and the agent asked to check)."""
    per_item = estimated_kg / (item_count or 1)
    if per_item > sub.max_item_kg and item_count is not None:
        grams_typed_as_kg = sub.min_item_kg <= per_item / 1000 <= sub.max_item_kg
        return "looks_like_grams" if grams_typed_as_kg else "heavier_than_plausible"
    if per_item < sub.min_item_kg:
        return "lighter_than_plausible"
    return None


def _subcategory_errors(sub: SubcategoryFacts) -> list[FieldError]:
    if sub.reusable:
        return []
    return [FieldError("subcategory", "not_reusable", f"{sub.slug} is not a reusable subcategory")]


def _weight_errors(draft: LotDraft) -> list[FieldError]:
    errors = []
    count, weight = draft.item_count, draft.estimated_kg
    if count is not None and not 1 <= count <= MAX_ITEMS:
        errors.append(
            FieldError("item_count", "out_of_range", f"must be between 1 and {MAX_ITEMS}")
        )
    if weight is None and count is None:
        errors.append(FieldError("estimated_kg", "required", "give a weight or an item count"))
    elif weight is not None and weight <= 0:
        errors.append(FieldError("estimated_kg", "not_positive", "must be greater than 0 kg"))
    elif weight is not None and weight > MAX_LOT_KG:
        errors.append(FieldError("estimated_kg", "too_large", f"must be at most {MAX_LOT_KG} kg"))
    elif weight is not None and not is_whole_grams(weight):
        errors.append(FieldError("estimated_kg", "too_precise", "at most 3 decimals (grams)"))
    return errors


def _date_errors(draft: LotDraft, now: datetime) -> list[FieldError]:
    if draft.deadline <= draft.available_from:
        return [FieldError("deadline", "before_availability", "must be after available_from")]
    if draft.deadline <= now:
        return [FieldError("deadline", "in_the_past", "must be in the future")]
    return []


def _condition_errors(condition: str) -> list[FieldError]:
    if condition in {c.value for c in Condition}:
        return []
    allowed = ", ".join(c.value for c in Condition)
    return [FieldError("condition", "unknown", f"must be one of {allowed}")]


def _text_errors(description: str) -> list[FieldError]:
    if len(description) <= MAX_DESCRIPTION:
        return []
    return [FieldError("description", "too_long", f"at most {MAX_DESCRIPTION} characters")]


def _photo_errors(photos: tuple[Photo, ...]) -> list[FieldError]:
    if len(photos) > MAX_PHOTOS:
        return [FieldError("photos", "too_many", f"at most {MAX_PHOTOS} photos")]
    for index, photo in enumerate(photos):
        if photo.content_type not in PHOTO_TYPES:
            return [FieldError(f"photos.{index}", "bad_type", "JPEG, PNG or WebP only")]
        if not 0 < photo.size_bytes <= MAX_PHOTO_BYTES:
            return [FieldError(f"photos.{index}", "too_large", "at most 10 MiB per photo")]
    return []
