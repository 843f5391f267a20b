"""The published figures of one month (total or one breakdown key), and how derived ones are made."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reuse.domain.quantities import GRAM

ZERO = Decimal("0.000")
RATE_PLACES = Decimal("0.0001")
HOUR_PLACES = Decimal("0.1")
MICRO = Decimal("0.000001")


@dataclass(frozen=True)
class Figures:
    """Every figure of one month for the whole territory (key "") or one breakdown key.

    Lot-level figures (declared, lots, missed, withdrawn, hours to first claim) are None
    where they cannot be attributed, i.e. in the breakdown by actor.
    """

    month: str
    key: str
    label: str
    factor_set: str
    declared_kg: Decimal | None
    lots: int | None
    missed_kg: Decimal | None
    withdrawn_kg: Decimal | None
    median_hours_to_first_claim: Decimal | None
    diverted_kg: Decimal
    claimed_kg_received: Decimal
    collections: int
    reused_kg: Decimal
    recycled_kg: Decimal
    energy_recovered_kg: Decimal
    disposed_kg: Decimal
    avoided_co2e_kg: Decimal

    @property
    def diversion_rate(self) -> Decimal | None:
        """Diverted / (diverted + missed), as a fraction with four decimals."""
        return diversion_rate(self.diverted_kg, self.missed_kg)

    @property
    def gap_kg(self) -> Decimal:
        """Measured minus estimated (claimed) kilograms of the month's receptions."""
        return self.diverted_kg - self.claimed_kg_received


def diversion_rate(diverted: Decimal, missed: Decimal | None) -> Decimal | None:
    """Diverted / (diverted + missed) rounded half up to 0.0001; None when both are 0."""
    if missed is None or diverted + missed == 0:
        return None
    return (diverted / (diverted + missed)).quantize(RATE_PLACES, ROUND_HALF_UP)


def co2e_from_micro(micro: int) -> Decimal:
    """Kilograms CO2e from the exact sum of kg x factor (both in thousandths), to the gram."""
    return (Decimal(micro) * MICRO).quantize(GRAM, ROUND_HALF_UP)


def hours_of(seconds: Decimal | None) -> Decimal | None:
    """A duration in seconds in hours, to one decimal; None stays None."""
    if seconds is None:
        return None
    return (seconds / 3600).quantize(HOUR_PLACES, ROUND_HALF_UP)
