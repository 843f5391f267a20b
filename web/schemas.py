"""Schema pieces shared by every role's API: strictness, kilograms, pages."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate


class Strict(Schema):
    """Request schemas refuse unknown fields."""

    class Meta:
        unknown = RAISE


def kilograms(**kwargs: Any) -> fields.Decimal:
    """Kilograms as a decimal string with three decimals ("12.500")."""
    return fields.Decimal(places=3, as_string=True, allow_nan=False, **kwargs)


class PageQuery(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))


class PageInfo(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
