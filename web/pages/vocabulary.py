"""French labels of the closed vocabularies (statuses, conditions, events) for the pages."""

from __future__ import annotations

from flask import Flask
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from reuse.domain.vocabulary import ActorKind, ClaimStatus, Condition, LotStatus, OfferStatus

LOT_STATUS: dict[str, LazyString] = {
    LotStatus.DECLARED: _l("declared"),
    LotStatus.OFFERED: _l("offered"),
    LotStatus.PARTIALLY_CLAIMED: _l("partially claimed"),
    LotStatus.CLAIMED: _l("claimed"),
    LotStatus.COLLECTED: _l("collected"),
    LotStatus.CLOSED: _l("closed"),
    LotStatus.UNMATCHED: _l("no taker found"),
    LotStatus.EXPIRED: _l("expired"),
    LotStatus.CANCELLED: _l("cancelled"),
}

CONDITION: dict[str, LazyString] = {
    Condition.AS_IS: _l("reusable as is"),
    Condition.TO_REPAIR: _l("to repair"),
    Condition.FOR_PARTS: _l("for parts"),
}

CLAIM_STATUS: dict[str, LazyString] = {
    ClaimStatus.ACTIVE: _l("booked"),
    ClaimStatus.RELEASED: _l("released"),
    ClaimStatus.NO_SHOW: _l("no-show"),
    ClaimStatus.RECEIVED: _l("received"),
    ClaimStatus.NOT_COLLECTED: _l("not collected"),
}

OFFER_STATUS: dict[str, LazyString] = {
    OfferStatus.OPEN: _l("open"),
    OfferStatus.CLAIMED: _l("claimed"),
    OfferStatus.WITHDRAWN: _l("withdrawn"),
    OfferStatus.DECLINED: _l("declined"),
    OfferStatus.EXPIRED: _l("expired"),
}

EVENT: dict[str, LazyString] = {
    "LotDeclared": _l("Lot declared"),
    "LotUpdated": _l("Declaration changed"),
    "LotCancelled": _l("Lot cancelled"),
    "LotUnmatched": _l("No taker found"),
    "LotExpired": _l("Deadline passed"),
    "OffersSent": _l("Offers sent"),
    "OfferClaimed": _l("Claimed"),
    "PickupBooked": _l("Pickup booked"),
    "ClaimReleased": _l("Claim released"),
    "NoShowRecorded": _l("No-show recorded"),
    "ClaimReceived": _l("Received and weighed"),
    "NothingCollected": _l("Nothing collected"),
    "OutcomeReported": _l("Outcome reported"),
    "OutcomeCorrected": _l("Outcome corrected"),
}

ACTOR_KIND: dict[str, LazyString] = {
    ActorKind.RESSOURCERIE: _l("ressourcerie"),
    ActorKind.RECYCLERIE: _l("recyclerie"),
    ActorKind.EMMAUS: _l("Emmaüs community"),
    ActorKind.REPAIR_WORKSHOP: _l("repair workshop"),
    ActorKind.REPAIR_CAFE: _l("repair café"),
    ActorKind.MATERIALS_RECYCLERY: _l("materials recyclery"),
    ActorKind.BIKE_WORKSHOP: _l("bike workshop"),
    ActorKind.OTHER: _l("other reuse actor"),
}

VOCABULARIES = {
    "lot_status": LOT_STATUS,
    "actor_kind": ACTOR_KIND,
    "condition": CONDITION,
    "claim_status": CLAIM_STATUS,
    "offer_status": OFFER_STATUS,
    "event": EVENT,
}


def label(vocabulary: dict[str, LazyString], code: str | None) -> str:
    """The French label of a code, or the code itself when it is new to the pages."""
    if code is None:
        return ""
    found = vocabulary.get(code)
    return str(found) if found is not None else code


def register_labels(app: Flask) -> None:
    """Filters such as `{{ lot.status | lot_status }}` in every template."""
    for name, vocabulary in VOCABULARIES.items():
        app.jinja_env.filters[name] = lambda code, v=vocabulary: label(v, code)


WEIGHT_FLAG: dict[str, LazyString] = {
    "looks_like_grams": _l("The weight looks like grams typed as kilograms: please check it."),
    "heavier_than_plausible": _l(
        "The weight is heavier than usual for these items: please check it."
    ),
    "lighter_than_plausible": _l(
        "The weight is lighter than usual for these items: please check it."
    ),
}
