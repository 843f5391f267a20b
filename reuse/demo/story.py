"""One lot's story: its rows and the events that explain every change of its status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from reuse.domain.lifecycle import Step, next_status
from reuse.domain.vocabulary import LotStatus
from reuse.models import Claim, Lot, Offer, Reception

Payload = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Line:
    """Kilograms of one reception reported to one outcome (inserted in bulk after the flush)."""

    reception: Reception
    outcome_slug: str
    kg: Decimal
    reported_at: datetime
    reported_by_id: int | None


@dataclass
class Happening:
    """An event of the lot's timeline; with a step it also moves the lot's status."""

    at: datetime
    name: str
    payload: Payload
    step: Step | None = None
    by: int | None = None
    reason: str = ""
    from_status: str | None = None
    to_status: str | None = None


@dataclass
class Story:
    """A lot with its offers, claims, receptions and outcome lines, and its timeline."""

    lot: Lot
    offers: list[Offer] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    receptions: list[Reception] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    happenings: list[Happening] = field(default_factory=list)

    def happen(
        self,
        at: datetime,
        name: str,
        payload: Payload,
        step: Step | None = None,
        by: int | None = None,
        reason: str = "",
    ) -> None:
        """Add an event to the timeline (a status change when `step` is given)."""
        self.happenings.append(Happening(at, name, payload, step, by, reason))

    @property
    def ends_at(self) -> datetime:
        """When the last event of the story happens."""
        return max(h.at for h in self.happenings)

    def settle(self) -> None:
        """Order the timeline, replay its steps through the lifecycle, and set the lot's status."""
        self.happenings.sort(key=lambda h: h.at)
        status = LotStatus.DECLARED
        for happening in self.happenings:
            if happening.name == "LotDeclared":
                happening.to_status = status.value
            elif happening.step is not None:
                happening.from_status = status.value
                status = next_status(status, happening.step)
                happening.to_status = status.value
        self.lot.status, self.lot.updated_at = status.value, self.ends_at
