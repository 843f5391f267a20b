"""The admin's forms: territories, sites, actors, users with their role, categories, factor sets.

Field names are those of the administration use cases, so a field the use case refuses gets
its French message next to it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.dates import get_day_names
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from reuse.domain.vocabulary import ActorKind, Role
from web.pages.fields import KilogramsField
from web.pages.vocabulary import ACTOR_KIND

REQUIRED = _l("This information is required.")
WHOLE = _l("Enter a whole number, for example 3.")
ROLE: dict[Role, LazyString] = {
    Role.AGENT: _l("agent of a site or territory"),
    Role.RECYCLER: _l("recycler of a reuse actor"),
    Role.TERRITORY_VIEWER: _l("viewer of a territory's figures"),
    Role.ADMIN: _l("platform administrator"),
}


class WeekdaysField(SelectMultipleField):
    """ISO weekdays (Monday = 1) as checkboxes named after the days of the user's language."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = get_day_names("wide", locale=get_locale())  # bound in a request
        choices = [SelectChoice(day, names[day - 1]) for day in range(1, 8)]
        super().__init__(*args, coerce=int, choices=choices, **kwargs)


class DecimalNumberField(KilogramsField):
    """A decimal number typed with a comma or a point (km, degrees, kg); shown from floats too."""

    def process_data(self, value: Any) -> None:
        self.data = None if value is None else Decimal(str(value))


def number(label: Any, **kwargs: Any) -> DecimalNumberField:
    """A required decimal number typed with a comma or a point (km, degrees, kg)."""
    return DecimalNumberField(label, validators=[InputRequired(REQUIRED)],
                          render_kw={"inputmode": "decimal"}, **kwargs)  # fmt: skip


def whole(label: Any, least: int, most: int) -> IntegerField:
    """A required whole number between `least` and `most`."""
    message = _l("Enter a whole number between %(min)s and %(max)s.")  # NumberRange fills it
    return IntegerField(label, validators=[InputRequired(WHOLE), NumberRange(least, most, message)])


class TerritoryForm(FlaskForm):
    slug = StringField(_l("Identifier (slug)"), validators=[DataRequired(REQUIRED)],
                       description=_l("Lowercase letters, digits and dashes; never changes."))  # fmt: skip
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    siren = StringField(_l("SIREN"), validators=[DataRequired(REQUIRED)])
    wave_size = whole(_l("Actors offered a lot in the first wave"), 1, 50)
    wave_growth = whole(_l("Actors added by each later wave"), 0, 50)
    hold_window_minutes = whole(_l("Minutes before the next wave"), 5, 7 * 24 * 60)
    communes = StringField(_l("Communes (INSEE codes)"),
                           description=_l("Separated by commas, for example 29151, 29023."))  # fmt: skip

    def values(self) -> dict[str, Any]:
        """The fields as the use cases take them."""
        codes = tuple(c.strip() for c in (self.communes.data or "").split(",") if c.strip())
        return {
            "name": self.name.data, "siren": (self.siren.data or "").strip(),
            "wave_size": self.wave_size.data, "wave_growth": self.wave_growth.data,
            "hold_window_minutes": self.hold_window_minutes.data, "communes": codes,
        }  # fmt: skip


class PlaceFields(FlaskForm):
    """Where a site or an actor is: commune and coordinates."""

    lat = number(_l("Latitude"), description=_l("In degrees, for example 48,5779."))
    lon = number(_l("Longitude"), description=_l("In degrees, for example -3,8279."))
    coordinates_approximate = BooleanField(_l("The position is the commune's, not the address"))

    def place(self) -> dict[str, Any]:
        """Coordinates as the use cases take them (the form was validated: both are given)."""
        assert self.lat.data is not None
        assert self.lon.data is not None
        return {"lat": float(self.lat.data), "lon": float(self.lon.data),
                "coordinates_approximate": self.coordinates_approximate.data}  # fmt: skip


class CommuneForm(FlaskForm):
    insee = StringField(_l("INSEE code"), validators=[DataRequired(REQUIRED)],
                        description=_l("Five characters, for example 29151."))  # fmt: skip
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    lat = number(
        _l("Latitude of the town hall"), description=_l("In degrees, for example 48,5779.")
    )
    lon = number(
        _l("Longitude of the town hall"), description=_l("In degrees, for example -3,8279.")
    )
    population = IntegerField(_l("Population"), validators=[Optional()])

    def values(self) -> dict[str, Any]:
        """The fields as the use case takes them (the form was validated: lat and lon are given)."""
        assert self.lat.data is not None
        assert self.lon.data is not None
        return {"insee": (self.insee.data or "").strip().upper(), "name": self.name.data,
                "lat": float(self.lat.data), "lon": float(self.lon.data),
                "population": self.population.data}  # fmt: skip


class SiteForm(PlaceFields):
    slug = StringField(_l("Identifier (slug)"), validators=[DataRequired(REQUIRED)],
                       description=_l("Lowercase letters, digits and dashes; never changes."))  # fmt: skip
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    commune_insee = SelectField(_l("Commune"), validators=[DataRequired(REQUIRED)],
                                validate_choice=False)  # fmt: skip
    opening_weekdays = WeekdaysField(_l("Opening days"))
    active = BooleanField(_l("Active"), default=True)

    def values(self) -> dict[str, Any]:
        """The fields as the use cases take them."""
        return {
            "name": self.name.data, "commune_insee": self.commune_insee.data,
            **self.place(),
            "opening_weekdays": tuple(self.opening_weekdays.data or ()),
            "active": self.active.data,
        }  # fmt: skip


class ActorForm(PlaceFields):
    slug = StringField(_l("Identifier (slug)"), validators=[DataRequired(REQUIRED)],
                       description=_l("Lowercase letters, digits and dashes; never changes."))  # fmt: skip
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, ACTOR_KIND[k]) for k in ActorKind]
    )
    siret = StringField(_l("SIRET"), validators=[Optional()])
    commune_insee = StringField(
        _l("INSEE code of the commune"), validators=[DataRequired(REQUIRED)]
    )
    commune_name = StringField(_l("Commune"), validators=[DataRequired(REQUIRED)])
    radius_km = number(_l("Service radius in km"))
    weekly_capacity_kg = number(_l("Weekly capacity in kg"))
    collection_weekdays = WeekdaysField(_l("Collection days"))
    active = BooleanField(_l("Active: offered lots"), default=True)
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])

    def values(self, accepts: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, Any]:
        """The fields as the use cases take them, with what the actor accepts."""
        return {
            "name": self.name.data, "kind": self.kind.data, "siret": self.siret.data or None,
            "commune_insee": self.commune_insee.data, "commune_name": self.commune_name.data,
            **self.place(),
            "radius_km": self.radius_km.data, "weekly_capacity_kg": self.weekly_capacity_kg.data,
            "collection_weekdays": tuple(self.collection_weekdays.data or ()),
            "active": self.active.data, "contact_email": self.contact_email.data or None,
            "notes": self.notes.data or "", "accepts": accepts,
        }  # fmt: skip


ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ROLE.items()]


class RoleFields(FlaskForm):
    """One role to give, with what it applies to."""

    role = SelectField(_l("Role"), choices=[SelectChoice("", _l("— none —")), *ROLE_CHOICES])
    territory_id = SelectField(_l("Territory"), coerce=int, validate_choice=False)
    site_id = SelectField(_l("Site (agents of one site only)"), coerce=int, validate_choice=False)
    actor_id = SelectField(_l("Reuse actor (recyclers)"), coerce=int, validate_choice=False)


class UserForm(RoleFields):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(REQUIRED)])
    display_name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    password = PasswordField(_l("First password"), description=_l("At least 10 characters."),
                             render_kw={"autocomplete": "new-password"})  # fmt: skip
    active = BooleanField(_l("Active: may sign in"), default=True)


class UserSearchForm(FlaskForm):
    """Which users the list shows (a GET form: no CSRF token); ids apart from the add form's."""

    class Meta:
        csrf = False

    q = SearchField(_l("E-mail or name contains"), id="recherche-utilisateur")
    role = SelectField(
        _l("Role"), id="filtre-role", validate_choice=False,
        choices=[SelectChoice("", _l("All")), *ROLE_CHOICES],
    )  # fmt: skip


class CategoryForm(FlaskForm):
    slug = StringField(_l("Identifier (slug)"), validators=[DataRequired(REQUIRED)])
    label = StringField(_l("Label"), validators=[DataRequired(REQUIRED), Length(max=200)])


class RenameForm(FlaskForm):
    label = StringField(_l("Label"), validators=[DataRequired(REQUIRED), Length(max=200)])


class FactorSetForm(FlaskForm):
    version = StringField(_l("Version"), validators=[DataRequired(REQUIRED)],
                          description=_l("Letters and digits, for example v2."))  # fmt: skip
    label = StringField(_l("Label"), validators=[DataRequired(REQUIRED), Length(max=200)])
    file = FileField(_l("CSV file"), validators=[DataRequired(REQUIRED)],
                     description=_l("The columns of co2_factors_v1.csv, UTF-8."),
                     render_kw={"accept": ".csv,text/csv"})  # fmt: skip
