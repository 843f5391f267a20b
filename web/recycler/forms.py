"""The recycler's forms: claim, book a pickup, weigh, report outcomes, notification settings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import cast

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from reuse.domain.claims import ClaimRequest
from reuse.services.notification_settings import DIGEST, INSTANT
from web.pages.fields import CountField, KilogramsField, ParisDateTimeField
from web.pages.forms import EMAIL, REQUIRED

OUTCOME_PREFIX = "outcome_"


class ClaimForm(FlaskForm):
    """Take all that is left, or a part in kilograms or items."""

    share = RadioField(
        _l("How much do you take?"), default="all", validate_choice=False,
        choices=[SelectChoice("all", _l("Everything that is left")),
                 SelectChoice("part", _l("A part"))],
    )  # fmt: skip
    kg = KilogramsField(_l("Kilograms"), render_kw={"inputmode": "decimal", "autocomplete": "off"})
    items = CountField(_l("Number of items"), validators=[Optional()])

    def request(self) -> ClaimRequest:
        """The claim as the core takes it: nothing given for a part means everything."""
        if self.share.data != "part":
            return ClaimRequest()
        return ClaimRequest(kg=self.kg.data, items=self.items.data)

    def wanted_kg(self) -> Decimal | None:
        """The kilograms typed, if any (to explain a conflict)."""
        return self.kg.data if self.share.data == "part" else None


class PickupForm(FlaskForm):
    pickup_at = ParisDateTimeField(_l("Pickup date and time"), validators=[DataRequired(REQUIRED)])

    def moment(self) -> datetime:
        """The validated pickup moment, in UTC."""
        assert self.pickup_at.data is not None  # DataRequired
        return self.pickup_at.data


class ReceptionForm(FlaskForm):
    measured_kg = KilogramsField(
        _l("Weight received in kg"),
        description=_l("What your scales showed when the pickup came in."),
        validators=[InputRequired(REQUIRED)],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=2000,
                         message=_l("At most 2,000 characters."))])  # fmt: skip
    confirmed = BooleanField(_l("Yes, this weight is right"))
    asks_confirmation = False

    def weight(self) -> Decimal:
        """The validated weight."""
        assert self.measured_kg.data is not None  # InputRequired, and a number was parsed
        return Decimal(self.measured_kg.data)


class NothingCollectedForm(FlaskForm):
    reason = TextAreaField(_l("Why was nothing collected?"), validators=[DataRequired(REQUIRED),
                           Length(max=2000, message=_l("At most 2,000 characters."))])  # fmt: skip


class OutcomesForm(FlaskForm):
    """Kilograms per outcome; the fields are added for the outcome vocabulary."""

    def lines(self) -> dict[str, Decimal]:
        """The outcomes given a weight, by slug."""
        return {
            name.removeprefix(OUTCOME_PREFIX): field.data
            for name, field in self._fields.items()
            if name.startswith(OUTCOME_PREFIX) and field.data is not None
        }

    def outcome_fields(self) -> list[Field]:
        """The kilograms fields, one per outcome, in the vocabulary's order."""
        return [f for name, f in self._fields.items() if name.startswith(OUTCOME_PREFIX)]


class CorrectionForm(OutcomesForm):
    reason = TextAreaField(_l("Why do you correct them?"), validators=[DataRequired(REQUIRED),
                           Length(max=2000, message=_l("At most 2,000 characters."))])  # fmt: skip


def with_outcomes(
    form_class: type[OutcomesForm], outcomes: list[tuple[str, str]]
) -> type[OutcomesForm]:
    """A subclass of `form_class` with one kilograms field per outcome (slug, French label)."""
    fields = {
        f"{OUTCOME_PREFIX}{slug}": KilogramsField(
            label, render_kw={"inputmode": "decimal", "autocomplete": "off"}
        )
        for slug, label in outcomes
    }
    return cast(type[OutcomesForm], type(form_class.__name__, (form_class,), fields))


class NotificationForm(FlaskForm):
    email = EmailField(
        _l("E-mail address for offers"),
        description=_l("Left empty, offers go to your organisation's contact address."),
        validators=[Optional(), Regexp(r"^[^@\s]+@[^@\s]+$", message=EMAIL)],
    )
    mode = RadioField(
        _l("When do you want to hear about offers?"), default=INSTANT,
        choices=[SelectChoice(INSTANT, _l("At once, one e-mail per offer")),
                 SelectChoice(DIGEST, _l("Once a day, in a digest"))],
    )  # fmt: skip
    categories_of_interest = SelectMultipleField(
        _l("Categories of interest"),
        description=_l("None chosen: every offer. Hold Ctrl to choose several."),
        validate_choice=False,
    )


class WebhookForm(FlaskForm):
    url = URLField(
        _l("Webhook address"),
        description=_l("An https address; left empty, the webhook is turned off."),
        validators=[Optional(), Regexp(r"^https?://\S+$", message=_l("Enter an address starting with https://."))],
    )  # fmt: skip
    new_secret = BooleanField(_l("Make a new signing secret"))


class DeliveryTestForm(FlaskForm):
    """The test-delivery button: only its CSRF token."""
