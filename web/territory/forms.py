"""The intercommunality's forms: which month and territory the dashboard shows, lot filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.fields import DateField, MonthField
from wtforms.validators import Optional, ValidationError

from reuse.domain.french import PARIS
from reuse.domain.vocabulary import LotStatus
from reuse.services.agent_board import CategoryGroup
from reuse.services.territory_directory import SiteView, TerritoryView
from reuse.stats.months import Month
from web.pages.vocabulary import LOT_STATUS

CHOOSE = _l("Choose a value from the list.")


class FrenchMonthField(MonthField):
    """A month picked as YYYY-MM, refused in French when it is not one."""

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Enter a month, for example 2026-03."))) from None


class FrenchDateField(DateField):
    """A day picked as YYYY-MM-DD, refused in French when it is not one."""

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Enter a date, for example 2026-03-15."))) from None


def offered(_form: FlaskForm, field: SelectField) -> None:
    """Refuse a value that is not among the field's choices (a hand-made URL)."""
    if field.data not in {choice.value for choice in field.choices or []}:
        raise ValidationError(str(CHOOSE))


def this_month() -> date:
    """The first day of the current Paris month."""
    return datetime.now(UTC).astimezone(PARIS).date().replace(day=1)


class DashboardForm(FlaskForm):
    class Meta:
        csrf = False

    mois = FrenchMonthField(_l("Month"), default=this_month, validators=[Optional()])
    territoire = SelectField(_l("Territory"), validators=[Optional(), offered],
                             validate_choice=False)  # fmt: skip

    def offer(self, territories: list[TerritoryView]) -> None:
        """Offer the territories the person may read."""
        self.territoire.choices = [SelectChoice(str(t.id), t.name) for t in territories]

    def month(self) -> Month:
        """The chosen month (this one when the choice is empty or refused)."""
        chosen = self.mois.data if not self.mois.errors and self.mois.data else this_month()
        return Month(chosen.year, chosen.month)

    def territory(self) -> int | None:
        """The chosen territory's id (the first one offered by default), None when none is."""
        choices = self.territoire.choices or []
        if self.territoire.data and not self.territoire.errors:
            return int(self.territoire.data)
        return int(choices[0].value) if choices else None


class LotExplorerForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[SelectChoice("", _l("All"))]
                         + [SelectChoice(s.value, LOT_STATUS[s]) for s in LotStatus])  # fmt: skip
    site = SelectField(_l("Site"), validators=[Optional(), offered], validate_choice=False)
    subcategory = SelectField(_l("Subcategory"), validators=[Optional(), offered],
                              validate_choice=False)  # fmt: skip
    declared_from = FrenchDateField(_l("Declared from"), validators=[Optional()])
    declared_to = FrenchDateField(_l("Declared until"), validators=[Optional()])

    def offer(self, sites: list[SiteView], groups: list[CategoryGroup]) -> None:
        """Offer the territory's sites and the subcategories, grouped by category."""
        self.site.choices = [SelectChoice("", _l("All"))] + [
            SelectChoice(str(s.id), s.name) for s in sites
        ]
        self.subcategory.choices = [SelectChoice("", _l("All"))] + [
            SelectChoice(sub.slug, sub.label, optgroup=group.label)
            for group in groups
            for sub in group.subcategories
        ]

    def validate_declared_to(self, field: FrenchDateField) -> None:
        if field.data and self.declared_from.data and field.data < self.declared_from.data:
            raise ValidationError(str(_l("Must be on or after the first day.")))
