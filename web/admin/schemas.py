"""What admins send to shape the platform, and what they get back.

Types are checked here; every business rule (uniqueness, ranges, who may belong where) is
checked by the administration use cases, which name the refused field.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from reuse.domain.vocabulary import ActorKind, Condition, Role
from reuse.services.access import Grant
from web.schemas import PageInfo, PageQuery, Strict, identifier, kilograms
from web.territory.schemas import weekdays

CONDITIONS = [c.value for c in Condition]


def as_tuples(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """Lists of plain values become the tuples the use cases keep."""
    return data | {name: tuple(data[name]) for name in names if name in data}


class TerritoryChanges(Strict):
    name = fields.String()
    siren = fields.String(metadata={"example": "242900835"})
    wave_size = fields.Integer(metadata={"description": "actors offered a lot in the first wave"})
    wave_growth = fields.Integer(metadata={"description": "actors added by each later wave"})
    hold_window_minutes = fields.Integer()
    communes = fields.List(fields.String(), metadata={"description": "INSEE codes"})

    @post_load
    def _tuples(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return as_tuples(data, "communes")


class TerritoryIn(TerritoryChanges):
    slug = fields.String(required=True, metadata={"example": "morlaix-communaute"})
    name = fields.String(required=True)
    siren = fields.String(required=True, metadata={"example": "242900835"})


class SiteChanges(Strict):
    name = fields.String()
    commune_insee = fields.String()
    lat = fields.Float(allow_nan=False)
    lon = fields.Float(allow_nan=False)
    coordinates_approximate = fields.Boolean()
    opening_weekdays = weekdays()
    active = fields.Boolean()

    @post_load
    def _tuples(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return as_tuples(data, "opening_weekdays")


class SiteIn(SiteChanges):
    slug = fields.String(required=True)
    territory_id = identifier(required=True)
    name = fields.String(required=True)
    commune_insee = fields.String(required=True)
    lat = fields.Float(required=True, allow_nan=False)
    lon = fields.Float(required=True, allow_nan=False)
    opening_weekdays = weekdays(required=True)


class CommuneIn(Strict):
    insee = fields.String(required=True, metadata={"example": "29151", "description": "INSEE code"})
    name = fields.String(required=True, metadata={"example": "Morlaix"})
    lat = fields.Float(required=True, allow_nan=False, metadata={"description": "its town hall"})
    lon = fields.Float(required=True, allow_nan=False)
    population = fields.Integer(allow_none=True, strict=True)


class AcceptanceIn(Strict):
    subcategory = fields.String(required=True, metadata={"example": "mobilier.canape"})
    conditions = fields.List(
        fields.String(validate=validate.OneOf(CONDITIONS)), required=True,
        validate=validate.Length(min=1),
    )  # fmt: skip


class ActorChanges(Strict):
    name = fields.String()
    kind = fields.String(validate=validate.OneOf([k.value for k in ActorKind]))
    siret = fields.String(allow_none=True)
    commune_insee = fields.String()
    commune_name = fields.String()
    lat = fields.Float(allow_nan=False)
    lon = fields.Float(allow_nan=False)
    coordinates_approximate = fields.Boolean()
    radius_km = kilograms(metadata={"description": "service radius in km"})
    weekly_capacity_kg = kilograms()
    collection_weekdays = weekdays()
    active = fields.Boolean()
    contact_email = fields.String(allow_none=True, metadata={"description": "where offers go"})
    notes = fields.String()
    accepts = fields.List(fields.Nested(AcceptanceIn))

    @post_load
    def _tuples(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "accepts" in data:
            data["accepts"] = tuple(
                (a["subcategory"], tuple(a["conditions"])) for a in data["accepts"]
            )
        return as_tuples(data, "collection_weekdays")


class ActorIn(ActorChanges):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ActorKind]))
    commune_insee = fields.String(required=True)
    commune_name = fields.String(required=True)
    lat = fields.Float(required=True, allow_nan=False)
    lon = fields.Float(required=True, allow_nan=False)
    radius_km = kilograms(required=True)
    weekly_capacity_kg = kilograms(required=True)
    collection_weekdays = weekdays(required=True)
    accepts = fields.List(fields.Nested(AcceptanceIn), required=True)


class MembershipIn(Strict):
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    territory_id = identifier(allow_none=True)
    site_id = identifier(allow_none=True)
    actor_id = identifier(allow_none=True)

    @post_load
    def _grant(self, data: dict[str, Any], **_: Any) -> Grant:
        return Grant(**data)


class MembershipOut(Schema):
    role = fields.String(required=True)
    territory_id = fields.Integer(allow_none=True)
    site_id = fields.Integer(allow_none=True)
    actor_id = fields.Integer(allow_none=True)


class UserChanges(Strict):
    display_name = fields.String()
    active = fields.Boolean()
    memberships = fields.List(fields.Nested(MembershipIn))

    @post_load
    def _tuples(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return as_tuples(data, "memberships")


class UserIn(UserChanges):
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    memberships = fields.List(fields.Nested(MembershipIn), required=True)


class UserOut(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    active = fields.Boolean(required=True)
    memberships = fields.List(fields.Nested(MembershipOut), required=True)


class UserQuery(PageQuery):
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Part of the e-mail address or name, any case."},
    )
    role = fields.String(validate=validate.OneOf([r.value for r in Role]))


class UserPage(Schema):
    items = fields.List(fields.Nested(UserOut), required=True)
    page = fields.Nested(PageInfo, required=True)


class CategoryIn(Strict):
    slug = fields.String(required=True)
    label = fields.String(required=True)


class CategoryChanges(Strict):
    label = fields.String(required=True)


class SubcategoryChanges(Strict):
    label = fields.String()
    unit_kg = kilograms(metadata={"description": "default weight of one item"})
    unit_kg_is_estimate = fields.Boolean()
    min_item_kg = kilograms()
    max_item_kg = kilograms()
    reusable = fields.Boolean()
    rep_filiere = fields.String()
    ewc_code = fields.String(metadata={"example": "20 03 07"})
    qfdmo_codes = fields.List(fields.String())

    @post_load
    def _tuples(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return as_tuples(data, "qfdmo_codes")


class SubcategoryIn(SubcategoryChanges):
    slug = fields.String(required=True, metadata={"example": "mobilier.piano"})
    category = fields.String(required=True, metadata={"example": "mobilier"})
    label = fields.String(required=True)
    unit_kg = kilograms(required=True)
    min_item_kg = kilograms(required=True)
    max_item_kg = kilograms(required=True)
    rep_filiere = fields.String(required=True)
    ewc_code = fields.String(required=True, metadata={"example": "20 03 07"})


class FactorSetQuery(Strict):
    version = fields.String(required=True, metadata={"example": "v2"})
    label = fields.String(required=True, metadata={"example": "Facteurs CO2e v2"})


class FactorFile(Strict):
    file = fields.Raw(
        required=True, metadata={"type": "string", "format": "binary",
                                 "description": "CSV with the columns of co2_factors_v1.csv"},
    )  # fmt: skip


class FactorSetOut(Schema):
    version = fields.String(required=True)
    label = fields.String(required=True)
    loaded_at = fields.AwareDateTime(required=True)
    factors = fields.Integer(required=True)
