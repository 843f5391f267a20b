"""The closed vocabularies of the platform (codes in English; French labels live in the UI)."""

from enum import StrEnum


class LotStatus(StrEnum):
    DECLARED = "declared"
    OFFERED = "offered"
    PARTIALLY_CLAIMED = "partially_claimed"
    CLAIMED = "claimed"
    COLLECTED = "collected"
    CLOSED = "closed"
    UNMATCHED = "unmatched"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Condition(StrEnum):
    AS_IS = "as_is"
    TO_REPAIR = "to_repair"
    FOR_PARTS = "for_parts"


class ActorKind(StrEnum):
    RESSOURCERIE = "ressourcerie"
    RECYCLERIE = "recyclerie"
    EMMAUS = "emmaus"
    REPAIR_WORKSHOP = "repair_workshop"
    REPAIR_CAFE = "repair_cafe"
    MATERIALS_RECYCLERY = "materials_recyclery"
    BIKE_WORKSHOP = "bike_workshop"
    OTHER = "other"


class OutcomeGroup(StrEnum):
    """How an outcome counts in the published figures."""

    REUSE = "reuse"
    RECYCLING = "recycling"
    ENERGY_RECOVERY = "energy_recovery"
    DISPOSAL = "disposal"


class Role(StrEnum):
    AGENT = "agent"
    RECYCLER = "recycler"
    TERRITORY_VIEWER = "territory_viewer"
    ADMIN = "admin"


class OfferStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    WITHDRAWN = "withdrawn"
    DECLINED = "declined"
    EXPIRED = "expired"


class ClaimStatus(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    NO_SHOW = "no_show"
    RECEIVED = "received"
    NOT_COLLECTED = "not_collected"
