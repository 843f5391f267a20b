"""What recyclers (and the agents who receive them) send and receive about offers and claims."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from reuse.domain.receptions import MAX_REASON
from reuse.domain.vocabulary import ClaimStatus, OfferStatus
from reuse.services.notification_settings import DIGEST, INSTANT
from reuse.stats import Month
from web.agent.schemas import LotOut, PhotoOut
from web.schemas import PageInfo, PageQuery, Strict, day, identifier, kilograms

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
MAX_MONTHS = 120


class OfferQuery(PageQuery):
    status = fields.String(validate=validate.OneOf([s.value for s in OfferStatus]))


class OfferOut(Schema):
    id = fields.Integer(required=True)
    actor_id = fields.Integer(required=True)
    wave = fields.Integer(required=True)
    rank = fields.Integer(required=True)
    distance_km = kilograms(required=True)
    score = kilograms(required=True)
    reasons = fields.List(fields.String(), required=True, metadata={"description": "in French"})
    status = fields.String(required=True)
    sent_at = fields.AwareDateTime(required=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    lot = fields.Nested(LotOut, required=True, metadata={"description": "deadline included"})
    description = fields.String(required=True)
    photos = fields.List(fields.Nested(PhotoOut), required=True)


class OfferPage(Schema):
    items = fields.List(fields.Nested(OfferOut), required=True)
    page = fields.Nested(PageInfo, required=True)


class ClaimIn(Strict):
    kg = kilograms(metadata={"description": "a part, in kilograms"})
    items = fields.Integer(strict=True, metadata={"description": "a part, in items"})


class ClaimResultOut(Schema):
    claim_id = fields.Integer(required=True)
    lot_id = fields.Integer(required=True)
    kg = kilograms(required=True)
    status = fields.String(required=True)
    lot_status = fields.String(required=True)
    lot_remaining_kg = kilograms(required=True)


class ClaimQuery(PageQuery):
    status = fields.String(validate=validate.OneOf([s.value for s in ClaimStatus]))
    lot_id = identifier()
    pickup_from = day(metadata={"description": "pickups from this day (Paris)"})
    pickup_to = day(metadata={"description": "pickups up to this day (Paris)"})


class ClaimOut(Schema):
    id = fields.Integer(required=True)
    offer_id = fields.Integer(required=True)
    lot_id = fields.Integer(required=True)
    actor_id = fields.Integer(required=True)
    actor_name = fields.String(required=True)
    site_id = fields.Integer(required=True)
    site_name = fields.String(required=True)
    subcategory_label = fields.String(required=True)
    kg = kilograms(required=True)
    item_count = fields.Integer(allow_none=True)
    status = fields.String(required=True)
    claimed_at = fields.AwareDateTime(required=True)
    pickup_at = fields.AwareDateTime(allow_none=True)
    deadline = fields.AwareDateTime(required=True)
    reception_id = fields.Integer(allow_none=True)
    received_kg = kilograms(allow_none=True)


class ClaimPage(Schema):
    items = fields.List(fields.Nested(ClaimOut), required=True)
    page = fields.Nested(PageInfo, required=True)


class PickupIn(Strict):
    pickup_at = fields.AwareDateTime(required=True)


class ReleaseIn(Strict):
    reason = fields.String(load_default="", validate=validate.Length(max=MAX_REASON))


class ReceptionIn(Strict):
    measured_kg = kilograms(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=MAX_REASON))
    confirm_anomaly = fields.Boolean(
        load_default=False,
        metadata={"description": "keep a weight that was flagged as implausible"},
    )


class ReceptionResultOut(Schema):
    reception_id = fields.Integer(required=True)
    claim_id = fields.Integer(required=True)
    claimed_kg = kilograms(required=True)
    measured_kg = kilograms(required=True)
    gap_kg = kilograms(required=True)
    anomaly = fields.String(allow_none=True)
    lot_status = fields.String(required=True)


class NothingCollectedIn(Strict):
    reason = fields.String(required=True)


class NothingCollectedOut(Schema):
    claim_id = fields.Integer(required=True)
    claimed_kg = kilograms(required=True)
    lot_status = fields.String(required=True)


class OutcomesIn(Strict):
    lines = fields.Dict(
        keys=fields.String(), values=kilograms(), required=True,
        metadata={"description": "kg by outcome slug", "example": {"reemploi": "12.000"}},
    )  # fmt: skip
    correction_reason = fields.String(
        metadata={"description": "replace reported outcomes (within the correction window)"}
    )


class OutcomeResultOut(Schema):
    reception_id = fields.Integer(required=True)
    lines = fields.Dict(keys=fields.String(), values=kilograms(), required=True)
    lot_status = fields.String(required=True)


class CorrectionOut(Schema):
    outcome = fields.String(required=True)
    kg = kilograms(required=True)
    reported_at = fields.AwareDateTime(required=True)
    superseded_at = fields.AwareDateTime(required=True)
    reason = fields.String(required=True)


class ReceptionOut(Schema):
    id = fields.Integer(required=True)
    claim_id = fields.Integer(required=True)
    lot_id = fields.Integer(required=True)
    actor_id = fields.Integer(required=True)
    claimed_kg = kilograms(required=True)
    measured_kg = kilograms(required=True)
    gap_kg = kilograms(required=True)
    anomaly = fields.String(allow_none=True)
    note = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)
    outcomes = fields.Dict(keys=fields.String(), values=kilograms(), required=True)
    corrections = fields.List(fields.Nested(CorrectionOut), required=True)


class NotificationQuery(Strict):
    unread_only = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class NotificationOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    subject = fields.String(required=True)
    body = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    read_at = fields.AwareDateTime(allow_none=True)
    is_read = fields.Boolean(required=True)
    lot_id = fields.Integer(allow_none=True)
    offer_id = fields.Integer(allow_none=True)


class SettingsIn(Strict):
    mode = fields.String(required=True, validate=validate.OneOf([INSTANT, DIGEST]))
    categories_of_interest = fields.List(
        fields.String(), load_default=list, validate=validate.Length(max=100),
        metadata={"description": "category or subcategory slugs; empty: every offer"},
    )  # fmt: skip
    email = fields.Email(load_default=None, allow_none=True)
    webhook_url = fields.URL(
        load_default=None, allow_none=True, require_tld=False, schemes={"http", "https"},
        validate=validate.Length(max=500),
    )  # fmt: skip
    rotate_secret = fields.Boolean(load_default=False)


class SettingsOut(Schema):
    actor_id = fields.Integer(required=True)
    mode = fields.String(required=True)
    categories_of_interest = fields.List(fields.String(), required=True)
    email = fields.String(allow_none=True)
    webhook_url = fields.String(allow_none=True)
    webhook_enabled = fields.Boolean(required=True)
    webhook_consecutive_failures = fields.Integer(required=True)
    webhook_secret = fields.String(
        allow_none=True, metadata={"description": "only in the answer that generated it"}
    )


class DeliveryOut(Schema):
    id = fields.Integer(required=True)
    notification_id = fields.Integer(required=True)
    event = fields.String(required=True)
    attempt = fields.Integer(required=True)
    url = fields.String(required=True)
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    succeeded = fields.Boolean(required=True)
    at = fields.AwareDateTime(required=True)


class DeliveryPage(Schema):
    items = fields.List(fields.Nested(DeliveryOut), required=True)
    page = fields.Nested(PageInfo, required=True)


class ImpactQuery(Strict):
    from_ = fields.String(
        data_key="from",
        validate=validate.Regexp(MONTH),
        metadata={"description": "default: 11 months before 'to'"},
    )
    to = fields.String(
        validate=validate.Regexp(MONTH), metadata={"description": "default: this month"}
    )

    @validates_schema
    def _in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        first, last = _span(data)
        if last < first:
            raise ValidationError("must not be before 'from'", "to")
        if first.shifted(MAX_MONTHS) <= last:
            raise ValidationError(f"at most {MAX_MONTHS} months", "to")

    @post_load
    def _months(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Month]:
        first, last = _span(data)
        return {"first": first, "last": last}


def _span(data: dict[str, Any]) -> tuple[Month, Month]:
    """The months asked for, the last twelve by default."""
    last = Month.parse(data["to"]) if "to" in data else Month.of(datetime.now(UTC))
    first = Month.parse(data["from_"]) if "from_" in data else last.shifted(-11)
    return first, last


class ActorMonthOut(Schema):
    month = fields.String(required=True)
    received_kg = kilograms(required=True)
    reused_kg = kilograms(required=True)
    avoided_co2e_kg = kilograms(required=True)
    collections = fields.Integer(required=True)
    factor_set = fields.String(required=True)


class ImpactOut(Schema):
    actor_id = fields.Integer(required=True)
    months = fields.List(fields.Nested(ActorMonthOut), required=True)
