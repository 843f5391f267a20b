"""Schema pieces shared by every role's API: strictness, kilograms, pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
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


GRAM = Decimal("0.001")
LARGEST = Decimal(10) ** 9  # a million tonnes: far above any lot, far below what a row holds


class Kilograms(fields.Decimal):
    """Kilograms with at most three decimals: a fourth is refused, never rounded away."""

    default_error_messages = {  # noqa: RUF012 - read by marshmallow
        "too_precise": "at most 3 decimals (the gram)",
        "too_large": "must be less than 1,000,000,000 kg",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        number = super()._deserialize(value, attr, data, **kwargs)
        if not number.is_finite():
            return number  # refused by allow_nan
        if abs(number) >= LARGEST:
            raise self.make_error("too_large")
        if number != number.quantize(GRAM):
            raise self.make_error("too_precise")
        return number.quantize(GRAM)


def kilograms(**kwargs: Any) -> fields.Decimal:
    """Kilograms as a decimal string with three decimals ("12.500"), documented as a string."""
    metadata = DECIMAL_STRING | kwargs.pop("metadata", {})
    return Kilograms(as_string=True, allow_nan=False, metadata=metadata, **kwargs)


class PageQuery(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))


def page_of(items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    """A page of items with its place in the whole list (the body of every paginated list)."""
    return {"items": items, "page": {"page": page, "per_page": per_page, "total": total}}


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
