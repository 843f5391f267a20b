"""Schema pieces shared by every role's API: strictness, kilograms, pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

NUL = "\x00"


class Strict(Schema):
    """Request schemas refuse unknown fields, and NUL characters (no database keeps them)."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _refuse_nul(self, data: Any, **_: Any) -> Any:
        if isinstance(data, Mapping):
            refused = [str(key) for key, value in data.items() if has_nul(key) or has_nul(value)]
            if refused:
                raise ValidationError({key: ["must not contain NUL characters"] for key in refused})
        return data


def has_nul(value: Any) -> bool:
    """Tell whether a string, or any string inside lists and mappings, holds a NUL character."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, Mapping):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    return False


MAX_ID = 2**31 - 1  # PostgreSQL's integer, the type of every primary key


def identifier(**kwargs: Any) -> fields.Integer:
    """The id of a row: a positive integer the database can hold."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


DAYS = validate.Range(min=date(2000, 1, 1), max=date(2999, 12, 31))


def day(**kwargs: Any) -> fields.Date:
    """A calendar day within the years the platform can turn into instants."""
    return fields.Date(validate=DAYS, **kwargs)


DECIMAL_STRING = {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"}


def kilograms(**kwargs: Any) -> fields.Decimal:
    """Kilograms as a decimal string with three decimals ("12.500"), documented as a string."""
    metadata = DECIMAL_STRING | kwargs.pop("metadata", {})
    return fields.Decimal(places=3, as_string=True, allow_nan=False, metadata=metadata, **kwargs)


class PageQuery(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))


class PageInfo(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class Problem(Schema):
    """An RFC 9457 problem document: the body of every API error."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "the messages of each refused field"},
    )
