"""French formatting of numbers, masses and dates, as the platform's users read them."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# fmt: off
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
# fmt: on


def french_number(value: Decimal | float, places: int) -> str:
    """Format a number the French way: narrow no-break space thousands, decimal comma."""
    return f"{value:,.{places}f}".replace(",", "\u202f").replace(".", ",")


def french_mass(kilograms: Decimal) -> str:
    """Format kilograms as "850 kg" or, from a tonne up, "1,2 t"."""
    if kilograms >= 1000:
        return f"{french_number(kilograms / 1000, 1)} t"
    places = 0 if kilograms == kilograms.to_integral_value() else 1
    return f"{french_number(kilograms, places)} kg"


def french_date(day: date) -> str:
    """Format a date as "lundi 3 mars"."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def french_kg(kilograms: Decimal) -> str:
    """Kilograms the French way with only the decimals that matter: "1 234,5 kg"."""
    exponent = kilograms.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return f"{french_number(kilograms, min(places, 3))} kg"


def french_moment(at: datetime) -> str:
    """A moment in Paris time: "mardi 17 mars à 18 h 00"."""
    local = at.astimezone(PARIS)
    return f"{french_date(local.date())} à {local:%H} h {local:%M}"
