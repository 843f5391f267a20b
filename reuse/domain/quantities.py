"""Kilograms are Decimal with exactly three decimals, from input to output."""

from decimal import ROUND_HALF_UP, Decimal

GRAM = Decimal("0.001")


def kg(value: Decimal | int | str) -> Decimal:
    """Return `value` as a Decimal number of kilograms rounded to the gram."""
    return Decimal(value).quantize(GRAM, rounding=ROUND_HALF_UP)


def is_whole_grams(value: Decimal) -> bool:
    """Tell whether `value` (kg) has no digit below the gram."""
    return value == value.quantize(GRAM)
