"""French words for what the core says in codes: refused fields, statuses, conditions, events.

Every text is an English msgid translated through the catalog; pages never show the
English `FieldError.message` of a service.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from reuse.domain.errors import FieldError, ValidationFailed

BY_FIELD: dict[tuple[str, str], LazyString] = {
    ("estimated_kg", "required"): _l("Give a weight or a number of items."),
    ("estimated_kg", "too_large"): _l("The weight must be at most 50,000 kg."),
    ("reason", "required"): _l("Say why."),
    ("subcategory", "unknown"): _l("Choose a subcategory from the list."),
    ("site_id", "unknown"): _l("Choose one of your sites."),
    ("condition", "unknown"): _l("Choose a condition from the list."),
    ("photos", "too_large"): _l("Each photo must be at most 10 MiB."),
    ("items", "too_many"): _l("That is more items than are left."),
    ("kg", "too_large"): _l("That is more than what is left."),
    ("measured_kg", "too_large"): _l("The weight must be at most 50,000 kg."),
    ("description", "too_long"): _l("At most 2,000 characters."),
    ("slug", "invalid"): _l(
        "Use lowercase letters, digits and dashes, for example pays-de-morlaix."
    ),
    ("slug", "taken"): _l("This identifier is already used."),
    ("siren", "invalid"): _l("A SIREN has 9 digits."),
    ("siren", "taken"): _l("This SIREN is already used by another territory."),
    ("siret", "invalid"): _l("A SIRET has 14 digits."),
    ("email", "taken"): _l("A user already has this e-mail address."),
    ("communes", "unknown"): _l("Unknown INSEE code: check the list."),
    ("communes", "taken"): _l("One of these communes belongs to another territory."),
    ("communes", "in_use"): _l("A site of the territory lies in a commune removed from the list."),
    ("commune_insee", "invalid"): _l("An INSEE code has 5 characters, for example 29151."),
    ("insee", "invalid"): _l("An INSEE code has 5 characters, for example 29151."),
    ("insee", "taken"): _l("This commune already exists."),
    ("population", "out_of_range"): _l("Enter a whole number between 0 and 10,000,000."),
    ("commune_insee", "not_in_territory"): _l("Choose a commune of the territory."),
    ("lat", "out_of_range"): _l("A latitude lies between -90 and 90."),
    ("lon", "out_of_range"): _l("A longitude lies between -180 and 180."),
    ("radius_km", "out_of_range"): _l("Enter a radius above 0 and at most 300 km."),
    ("weekly_capacity_kg", "out_of_range"): _l(
        "Enter a capacity above 0 and at most 1,000,000 kg."
    ),
    ("wave_size", "out_of_range"): _l("Enter a whole number between 1 and 50."),
    ("wave_growth", "out_of_range"): _l("Enter a whole number between 0 and 50."),
    ("hold_window_minutes", "out_of_range"): _l("Enter a whole number between 5 and 10080."),
    ("memberships", "required"): _l("Give at least one role."),
    ("memberships", "self_lockout"): _l("You cannot remove your own administrator role."),
    ("memberships", "not_for_role"): _l(
        "This role does not apply to a territory, site or actor chosen."
    ),
    ("memberships", "unknown"): _l("Choose the territory, site or actor this role applies to."),
    ("memberships", "not_in_territory"): _l("This site is not in the chosen territory."),
    ("active", "self_lockout"): _l("You cannot deactivate yourself."),
    ("version", "invalid"): _l("Letters and digits only, for example v2."),
    ("version", "taken"): _l("This version is already loaded; a loaded version never changes."),
    ("file", "invalid"): _l("This file is not a factor-set CSV in UTF-8."),
    ("accepts", "unknown"): _l("One of the ticked subcategories does not exist."),
}

BY_CODE: dict[str, LazyString] = {
    "required": _l("This information is required."),
    "unknown": _l("Choose a value from the list."),
    "invalid": _l("This value is not valid."),
    "not_positive": _l("Enter a number greater than 0."),
    "too_precise": _l("At most 3 decimals (grams)."),
    "too_large": _l("This value is too large."),
    "too_long": _l("This text is too long."),
    "too_many": _l("At most 10 photos."),
    "too_short": _l("At least 10 characters."),
    "out_of_range": _l("Enter a number between 1 and 100,000."),
    "before_availability": _l("Must be after the availability date."),
    "in_the_past": _l("Must be in the future."),
    "after_deadline": _l("Must be before the lot's deadline."),
    "site_closed": _l("The site is closed that day."),
    "naive": _l("Give a date and a time."),
    "not_your_territory": _l("This site is not in your territory."),
    "not_reusable": _l("This subcategory is not reused: take it to the proper bin."),
    "bad_type": _l("JPEG, PNG or WebP photos only."),
    "wrong": _l("The current password is wrong."),
    "unknown_field": _l("This information cannot be changed."),
    "exceeds_received": _l("More than the weight received."),
    "not_counted": _l("This lot was not counted in items."),
    "ambiguous": _l("Give either kilograms or items, not both."),
}

FALLBACK = _l("This value was refused.")


def field_message(error: FieldError) -> str:
    """The French sentence for one refused field."""
    name = error.field.split(".")[0]
    found = BY_FIELD.get((name, error.code)) or BY_CODE.get(error.code) or FALLBACK
    return str(found)


def attach_errors(form: FlaskForm, refusal: ValidationFailed) -> None:
    """Put each refused field's French message next to the matching form field."""
    for error in refusal.errors:
        name = error.field.split(".")[0]
        field = form._fields.get(name)
        if field is None:
            form.form_errors.append(field_message(error))
        else:
            field.errors = [*field.errors, field_message(error)]
