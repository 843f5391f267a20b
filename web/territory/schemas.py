"""What the territory, directory and statistics API sends and reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, post_load, validate

from reuse.stats.months import MONTH_PATTERN, Month
from web.schemas import DECIMAL_STRING, PageInfo, Strict, kilograms

BREAKDOWNS = {"category": "category", "subcategory": "subcategory", "site": "site",
              "actor": "actor", "commune": "commune", "filiere": "rep"}  # fmt: skip
YEAR_MONTHS = 12
MONTH = {"pattern": MONTH_PATTERN.pattern, "example": "2026-03"}


def decimal(**kwargs: Any) -> fields.Decimal:
    """A decimal figure that is not a weight (rate, hours, kilometres), as a string."""
    return fields.Decimal(as_string=True, allow_nan=False, metadata=DECIMAL_STRING, **kwargs)


def weekdays(**kwargs: Any) -> fields.List[int]:
    """ISO weekdays, Monday = 1 … Sunday = 7."""
    day = fields.Integer(validate=validate.Range(min=1, max=7))
    return fields.List(day, metadata={"description": "ISO weekdays, Monday = 1"}, **kwargs)


class TerritoryOut(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    siren = fields.String(required=True)
    wave_size = fields.Integer(required=True)
    wave_growth = fields.Integer(required=True)
    hold_window_minutes = fields.Integer(required=True)
    communes = fields.List(fields.String(), required=True, metadata={"description": "INSEE codes"})


class SiteOut(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    territory_id = fields.Integer(required=True)
    name = fields.String(required=True)
    commune_insee = fields.String(required=True)
    commune_name = fields.String(required=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    coordinates_approximate = fields.Boolean(required=True)
    opening_weekdays = weekdays(required=True)
    active = fields.Boolean(required=True)


class CommuneOut(Schema):
    insee = fields.String(required=True)
    name = fields.String(required=True)
    population = fields.Integer(allow_none=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


class SubcategoryOut(Schema):
    slug = fields.String(required=True)
    category = fields.String(required=True)
    label = fields.String(required=True)
    unit_kg = kilograms(required=True)
    unit_kg_is_estimate = fields.Boolean(required=True)
    min_item_kg = kilograms(required=True)
    max_item_kg = kilograms(required=True)
    reusable = fields.Boolean(required=True)
    rep_filiere = fields.String(required=True)
    ewc_code = fields.String(required=True, metadata={"description": "European waste code"})
    qfdmo_codes = fields.List(fields.String(), required=True)


class CategoryOut(Schema):
    slug = fields.String(required=True)
    label = fields.String(required=True)
    subcategories = fields.List(fields.Nested(SubcategoryOut), required=True)


class AcceptedOut(Schema):
    subcategory = fields.String(required=True)
    label = fields.String(required=True)
    conditions = fields.List(fields.String(), required=True)


class ActorOut(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    siret = fields.String(allow_none=True)
    commune_insee = fields.String(required=True)
    commune_name = fields.String(required=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    coordinates_approximate = fields.Boolean(required=True)
    radius_km = kilograms(required=True)
    weekly_capacity_kg = kilograms(required=True)
    collection_weekdays = weekdays(required=True)
    active = fields.Boolean(required=True)
    contact_email = fields.String(allow_none=True)
    notes = fields.String(required=True)
    accepts = fields.List(fields.Nested(AcceptedOut), required=True)


class ActorPage(Schema):
    items = fields.List(fields.Nested(ActorOut), required=True)
    page = fields.Nested(PageInfo, required=True)


class MonthRange(Strict):
    first = fields.String(data_key="from", validate=validate.Regexp(MONTH_PATTERN),
                          metadata=MONTH | {"description": "default: 11 months before 'to'"})  # fmt: skip
    last = fields.String(data_key="to", validate=validate.Regexp(MONTH_PATTERN),
                         metadata=MONTH | {"description": "default: this month"})  # fmt: skip
    factors = fields.String(metadata={"description": "CO2e factor-set version (default: latest)"})

    @post_load
    def _months(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        last = Month.parse(data["last"]) if "last" in data else Month.of(datetime.now(UTC))
        first = Month.parse(data["first"]) if "first" in data else last.shifted(1 - YEAR_MONTHS)
        return data | {"first": first, "last": last}


class StatsQuery(MonthRange):
    by = fields.String(validate=validate.OneOf(list(BREAKDOWNS)))


class FiguresOut(Schema):
    month = fields.String(required=True)
    key = fields.String(required=True)
    label = fields.String(required=True)
    lots = fields.Integer(allow_none=True)
    declared_kg = kilograms(allow_none=True)
    diverted_kg = kilograms(required=True)
    reused_kg = kilograms(required=True)
    recycled_kg = kilograms(required=True)
    energy_recovered_kg = kilograms(required=True)
    disposed_kg = kilograms(required=True)
    missed_kg = kilograms(allow_none=True)
    withdrawn_kg = kilograms(allow_none=True)
    diversion_rate = decimal(allow_none=True)
    avoided_co2e_kg = kilograms(required=True)
    collections = fields.Integer(required=True)
    claimed_kg_received = kilograms(required=True)
    measured_minus_estimated_kg = kilograms(required=True, attribute="gap_kg")
    median_hours_to_first_claim = decimal(allow_none=True)


class MonthOut(Schema):
    figures = fields.Nested(FiguresOut, required=True)
    previous_month = fields.Nested(FiguresOut, allow_none=True)
    same_month_last_year = fields.Nested(FiguresOut, allow_none=True)


class StatsOut(Schema):
    territory = fields.String(required=True, metadata={"description": "territory slug"})
    territory_name = fields.String(required=True)
    factor_set = fields.String(required=True)
    breakdown = fields.String(required=True, metadata={"description": "total when none asked"})
    months = fields.List(fields.Nested(MonthOut), required=True)
    rows = fields.List(fields.Nested(FiguresOut), required=True)
