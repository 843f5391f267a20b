"""What every administration use case shares: only admins act, and each rule names its field.

A draft is validated whole (on creation, and after a change is applied to the current values),
so the same rules guard both; a refusal raises before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from reuse.domain.errors import FieldError, NotAllowed, NotFound, ValidationFailed
from reuse.domain.quantities import is_whole_grams
from reuse.services.access import Acting, By, acting_user, is_admin

SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEEKDAYS = frozenset(range(1, 8))
MAX_NAME = 200

Draft = TypeVar("Draft")
Row = TypeVar("Row")


def admin_of(session: Session, by: By) -> Acting:
    """The acting user when it administers the platform; anyone else is refused."""
    user = acting_user(session, by)
    if not is_admin(user):
        raise NotAllowed("only platform administrators may do this")
    return user


def existing(session: Session, model: type[Row], row_id: object) -> Row:
    """The row of `model` with this primary key, or NotFound."""
    found = session.get(model, row_id)
    if found is None:
        raise NotFound(f"no {model.__name__.lower()} {row_id}")
    return found


def changed(draft: Draft, changes: Mapping[str, Any], changeable: Iterable[str]) -> Draft:
    """`draft` with `changes` applied, refusing fields that cannot be changed."""
    refused = sorted(set(changes) - set(changeable))
    if refused:
        raise ValidationFailed(
            [FieldError(name, "not_changeable", "cannot be changed") for name in refused]
        )
    return replace(draft, **changes)  # type: ignore[type-var]


def refuse(errors: list[FieldError]) -> None:
    """Raise every collected field error at once, or nothing."""
    if errors:
        raise ValidationFailed(errors)


def slug_errors(
    session: Session, column: InstrumentedAttribute[str], slug: str, own_id: object
) -> list[FieldError]:
    """A slug is lowercase words joined by '-' or '_', and unique in its table."""
    if not SLUG.match(slug) or len(slug) > column.type.length:
        return [FieldError("slug", "invalid", "lowercase letters, digits, '-' or '_'")]
    return unique_errors(session, column, slug, own_id, "slug")


def unique_errors(
    session: Session, column: InstrumentedAttribute[Any], value: object, own_id: object, field: str
) -> list[FieldError]:
    """Refuse `value` when another row of the column's table already holds it."""
    key = column.class_.__mapper__.primary_key[0]
    holder = session.scalar(select(key).where(column == value))
    if holder is not None and holder != own_id:
        return [FieldError(field, "taken", f"{value} is already used")]
    return []


def name_errors(field: str, name: str, longest: int = MAX_NAME) -> list[FieldError]:
    """A name is not blank and fits its column."""
    if not name.strip():
        return [FieldError(field, "required", "must not be blank")]
    if len(name) > longest:
        return [FieldError(field, "too_long", f"at most {longest} characters")]
    return []


def email_errors(field: str, email: str | None) -> list[FieldError]:
    """An e-mail address, when given, looks like one."""
    if email is None or (EMAIL.match(email) and len(email) <= 254):
        return []
    return [FieldError(field, "invalid", "not an e-mail address")]


def weekday_errors(field: str, days: Iterable[int]) -> list[FieldError]:
    """At least one ISO weekday (Monday = 1 … Sunday = 7), none repeated."""
    days = list(days)
    if not days or not set(days) <= WEEKDAYS or len(set(days)) != len(days):
        return [FieldError(field, "invalid", "one or more distinct weekdays from 1 to 7")]
    return []


def coordinate_errors(lat: float, lon: float) -> list[FieldError]:
    """Latitude and longitude in degrees on the globe."""
    errors = []
    if not -90 <= lat <= 90:
        errors.append(FieldError("lat", "out_of_range", "between -90 and 90"))
    if not -180 <= lon <= 180:
        errors.append(FieldError("lon", "out_of_range", "between -180 and 180"))
    return errors


def kilogram_errors(field: str, value: Decimal, *, most: Decimal) -> list[FieldError]:
    """A positive weight to the gram, below a sanity bound."""
    if value <= 0 or value > most:
        return [FieldError(field, "out_of_range", f"more than 0 and at most {most}")]
    if not is_whole_grams(value):
        return [FieldError(field, "too_precise", "at most three decimals (grams)")]
    return []
