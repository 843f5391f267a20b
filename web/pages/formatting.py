"""French (or English) formatting of kilograms, numbers and moments for the templates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from babel.dates import get_day_names
from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _

TONNE = Decimal(1000)


def number(value: Decimal | int | float, places: int = 3) -> str:
    """A number in the user's locale, with at most `places` decimals ("1 234,5")."""
    pattern = "#,##0" + ("." + "#" * places if places else "")
    return str(format_decimal(value, format=pattern))


def mass(kilograms: Decimal | None) -> str:
    """Kilograms as "1 234,5 kg", or in tonnes from 1 000 kg up ("12,3 t")."""
    if kilograms is None:
        return "—"
    if abs(kilograms) >= TONNE:
        return f"{number(kilograms / TONNE, 1)}\u00a0t"
    return f"{number(kilograms, 1)}\u00a0kg"


def moment(at: datetime | None) -> str:
    """A moment in Paris time, like "10 mars 2026 à 09:00"."""
    if at is None:
        return "—"
    return str(format_datetime(at, _("d MMMM yyyy 'at' HH:mm")))


def day(value: date | datetime | None) -> str:
    """A date, like "mardi 10 mars 2026"."""
    if value is None:
        return "—"
    return str(format_date(value, _("EEEE d MMMM yyyy")))


def hour(at: datetime) -> str:
    """The Paris time of day of a moment, like "14:30"."""
    return str(format_datetime(at, "HH:mm"))


def weekdays(iso_days: Iterable[int]) -> str:
    """ISO weekday numbers (Monday = 1) as abbreviated day names, like "lun., mer."."""
    names = get_day_names("abbreviated", locale=get_locale())
    return ", ".join(names[d - 1] for d in sorted(iso_days))


def register_filters(app: Flask) -> None:
    """Make the formats available in every template as filters."""
    app.jinja_env.filters.update(
        number=number, mass=mass, moment=moment, day=day, hour=hour, weekdays=weekdays
    )
