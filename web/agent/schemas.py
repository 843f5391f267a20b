"""What agents send and receive about lots."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from reuse.domain.lots import MAX_DESCRIPTION, MAX_PHOTOS
from reuse.domain.vocabulary import Condition, LotStatus
from web.schemas import PageInfo, PageQuery, Strict, day, identifier, kilograms

CONDITIONS = [c.value for c in Condition]
STATUSES = [s.value for s in LotStatus]


class PhotoIn(Strict):
    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)


class Declaration(Strict):
    site_id = identifier(required=True)
    subcategory = fields.String(required=True, metadata={"example": "mobilier.canape"})
    condition = fields.String(required=True, validate=validate.OneOf(CONDITIONS))
    estimated_kg = kilograms(
        load_default=None, metadata={"description": "omit to estimate from item_count"}
    )
    item_count = fields.Integer(load_default=None)
    description = fields.String(load_default="", validate=validate.Length(max=MAX_DESCRIPTION))
    available_from = fields.AwareDateTime(
        load_default=None, metadata={"description": "default: now"}
    )
    deadline = fields.AwareDateTime(
        load_default=None, metadata={"description": "default: 7 days later"}
    )
    photos = fields.List(
        fields.Nested(PhotoIn), load_default=list, validate=validate.Length(max=MAX_PHOTOS)
    )


class LotChanges(Strict):
    subcategory = fields.String()
    condition = fields.String(validate=validate.OneOf(CONDITIONS))
    estimated_kg = kilograms()
    item_count = fields.Integer(allow_none=True)
    description = fields.String(validate=validate.Length(max=MAX_DESCRIPTION))
    available_from = fields.AwareDateTime()
    deadline = fields.AwareDateTime()


class Cancellation(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class Declared(Schema):
    lot_id = fields.Integer(required=True)
    estimated_kg = kilograms(required=True)
    weight_is_estimate = fields.Boolean(required=True)
    weight_flag = fields.String(
        allow_none=True, metadata={"description": "set when the weight looks implausible"}
    )


class LotQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))
    site_id = identifier()
    subcategory = fields.String()
    declared_from = day()
    declared_to = day()


class LotOut(Schema):
    id = fields.Integer(required=True)
    site_id = fields.Integer(required=True)
    site_name = fields.String(required=True)
    subcategory = fields.String(required=True)
    subcategory_label = fields.String(required=True)
    condition = fields.String(required=True)
    item_count = fields.Integer(allow_none=True)
    estimated_kg = kilograms(required=True)
    remaining_kg = kilograms(required=True)
    weight_is_estimate = fields.Boolean(required=True)
    weight_flag = fields.String(allow_none=True)
    status = fields.String(required=True)
    declared_at = fields.AwareDateTime(required=True)
    available_from = fields.AwareDateTime(required=True)
    deadline = fields.AwareDateTime(required=True)


class LotPage(Schema):
    items = fields.List(fields.Nested(LotOut), required=True)
    page = fields.Nested(PageInfo, required=True)


class TimelineOut(Schema):
    at = fields.AwareDateTime(required=True)
    event = fields.String(allow_none=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(required=True)
    reason = fields.String(required=True)
    by = fields.String(allow_none=True)


class OfferLineOut(Schema):
    actor_id = fields.Integer(required=True)
    actor_name = fields.String(required=True)
    wave = fields.Integer(required=True)
    rank = fields.Integer(required=True)
    distance_km = kilograms(required=True)
    score = kilograms(required=True)
    reasons = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    sent_at = fields.AwareDateTime(required=True)


class PhotoOut(Schema):
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)


class LotDetailOut(Schema):
    lot = fields.Nested(LotOut, required=True)
    description = fields.String(required=True)
    photos = fields.List(fields.Nested(PhotoOut), required=True)
    timeline = fields.List(fields.Nested(TimelineOut), required=True)
    offers = fields.List(fields.Nested(OfferLineOut), required=True)
