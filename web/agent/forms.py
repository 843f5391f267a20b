"""The agent's forms: declare, change and cancel a lot, filter the list, mark a no-show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from reuse.domain.lots import MAX_DESCRIPTION, MAX_PHOTOS, LotDraft, Photo
from reuse.domain.vocabulary import LotStatus
from reuse.services.agent_board import DeclarationChoices
from web.pages.fields import CountField, KilogramsField, ParisDateTimeField
from web.pages.formatting import mass
from web.pages.vocabulary import CONDITION, LOT_STATUS

REQUIRED = _l("This information is required.")
DEFAULT_HOLD = timedelta(days=7)
PHOTO_TYPES = "image/jpeg,image/png,image/webp"


def this_minute() -> datetime:
    """Now, to the minute (the default availability)."""
    return datetime.now(UTC).replace(second=0, microsecond=0)


def in_a_week() -> datetime:
    """The default deadline: a week from now."""
    return this_minute() + DEFAULT_HOLD


class LotFieldsForm(FlaskForm):
    """What an agent says about a lot, whether declaring or changing it."""

    subcategory = SelectField(_l("What is it?"), validators=[DataRequired(REQUIRED)],
                              validate_choice=False)  # fmt: skip
    item_count = CountField(_l("Number of items"), validators=[Optional()])
    estimated_kg = KilogramsField(
        _l("Weight in kg"),
        description=_l(
            "Filled from the typical weight of one item; correct it if you weighed the lot. Left empty, it is estimated from the number of items."
        ),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    weight_source = HiddenField(default="typed")
    condition = RadioField(_l("Condition"), default="as_is", validate_choice=False,
                           choices=[SelectChoice(code, label) for code, label in CONDITION.items()])  # fmt: skip
    description = TextAreaField(_l("Description"), validators=[Length(max=MAX_DESCRIPTION,
                                message=_l("At most 2,000 characters."))])  # fmt: skip
    available_from = ParisDateTimeField(_l("Available from"), default=this_minute,
                                        validators=[DataRequired(REQUIRED)])  # fmt: skip
    deadline = ParisDateTimeField(_l("Must be gone by"), default=in_a_week,
                                  validators=[DataRequired(REQUIRED)])  # fmt: skip

    def offer(self, choices: DeclarationChoices) -> None:
        """Fill the subcategory picker, one group per category, each with its unit weight."""
        self.subcategory.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(
                sub.slug,
                f"{sub.label} (≈ {mass(sub.unit_kg)})",
                {"data-unit-kg": str(sub.unit_kg)},
                optgroup=group.label,
            )
            for group in choices.groups
            for sub in group.subcategories
        ]

    def weight(self) -> Any:
        """The typed weight, or None when the page only pre-filled it from the unit weight."""
        return None if self.weight_source.data == "auto" else self.estimated_kg.data

    def changes(self) -> dict[str, Any]:
        """The lot's fields as `update_lot` takes them."""
        return {
            "subcategory": self.subcategory.data, "condition": self.condition.data,
            "estimated_kg": self.weight(), "item_count": self.item_count.data,
            "description": self.description.data or "", "available_from": self.available_from.data,
            "deadline": self.deadline.data,
        }  # fmt: skip


class DeclarationForm(LotFieldsForm):
    site_id = SelectField(_l("Site"), coerce=int, validate_choice=False)
    photos = MultipleFileField(
        _l("Photos"),
        description=_l(
            "JPEG, PNG or WebP, at most 10 MiB each, %(count)s photos at most.", count=MAX_PHOTOS
        ),
        render_kw={"accept": PHOTO_TYPES},
    )

    def offer(self, choices: DeclarationChoices) -> None:
        """Fill the pickers with the agent's sites and the subcategories."""
        super().offer(choices)
        self.site_id.choices = [SelectChoice(str(site.id), site.name) for site in choices.sites]

    def draft(self, photos: list[Photo]) -> LotDraft:
        """The declaration as the domain takes it."""
        fields = self.changes()
        del fields["subcategory"]
        return LotDraft(photos=tuple(photos), **fields)


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Why is the lot cancelled?"), validators=[DataRequired(REQUIRED),
                           Length(max=500, message=_l("At most 500 characters."))])  # fmt: skip


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (mark a no-show)."""


class LotFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("All"))]
        + [SelectChoice(s.value, LOT_STATUS[s]) for s in LotStatus],
        validate_choice=False,
    )
