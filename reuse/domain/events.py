"""Domain events, named in the past tense; their payloads are plain JSON values."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    """Something that happened; `lot_id` ties it to a lot's timeline when it has one."""

    name: ClassVar[str] = "Event"
    lot_id: int | None

    def payload(self) -> dict[str, Any]:
        """The event's fields as JSON-ready values."""
        return {key: _jsonable(value) for key, value in asdict(self).items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


@dataclass(frozen=True)
class LotDeclared(Event):
    name: ClassVar[str] = "LotDeclared"
    site_id: int = 0
    subcategory: str = ""
    estimated_kg: str = "0"


@dataclass(frozen=True)
class LotUpdated(Event):
    name: ClassVar[str] = "LotUpdated"
    changed: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class LotCancelled(Event):
    name: ClassVar[str] = "LotCancelled"
    reason: str = ""


@dataclass(frozen=True)
class LotUnmatched(Event):
    name: ClassVar[str] = "LotUnmatched"
    reason: str = ""


@dataclass(frozen=True)
class LotExpired(Event):
    name: ClassVar[str] = "LotExpired"
    missed_kg: str = "0"


@dataclass(frozen=True)
class OffersSent(Event):
    name: ClassVar[str] = "OffersSent"
    wave: int = 1
    offer_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class WebhookDue(Event):
    name: ClassVar[str] = "WebhookDue"
    notification_id: int = 0


@dataclass(frozen=True)
class OfferClaimed(Event):
    name: ClassVar[str] = "OfferClaimed"
    claim_id: int = 0
    offer_id: int = 0
    actor_id: int = 0
    kg: str = "0"


@dataclass(frozen=True)
class PickupBooked(Event):
    name: ClassVar[str] = "PickupBooked"
    claim_id: int = 0
    pickup_at: str = ""


@dataclass(frozen=True)
class ClaimReleased(Event):
    name: ClassVar[str] = "ClaimReleased"
    claim_id: int = 0
    actor_id: int = 0
    kg: str = "0"
    reason: str = ""


@dataclass(frozen=True)
class NoShowRecorded(Event):
    name: ClassVar[str] = "NoShowRecorded"
    claim_id: int = 0
    actor_id: int = 0
    kg: str = "0"


@dataclass(frozen=True)
class ClaimReceived(Event):
    name: ClassVar[str] = "ClaimReceived"
    claim_id: int = 0
    reception_id: int = 0
    measured_kg: str = "0"
    anomaly: str | None = None


@dataclass(frozen=True)
class NothingCollected(Event):
    name: ClassVar[str] = "NothingCollected"
    claim_id: int = 0
    reason: str = ""


@dataclass(frozen=True)
class OutcomeReported(Event):
    name: ClassVar[str] = "OutcomeReported"
    reception_id: int = 0
    lines: tuple[dict[str, str], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class OutcomeCorrected(Event):
    name: ClassVar[str] = "OutcomeCorrected"
    reception_id: int = 0
    lines: tuple[dict[str, str], ...] = field(default_factory=tuple)
    reason: str = ""
