"""Form fields for French input: decimal commas and Paris wall-clock times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.fields import DateTimeLocalField

from reuse.domain.french import PARIS

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class KilogramsField(StringField):
    """Kilograms typed as "38,5" or "38.5"; empty means "not given"."""

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        raw = str(valuelist[0]).strip().replace("\u202f", "").replace(" ", "") if valuelist else ""
        if not raw:
            self.data = None
            return
        try:
            self.data = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            self.data = None
            raise ValueError(str(_l("Enter a number, for example 38,5."))) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(str(_l("Enter a number, for example 38,5.")))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else format(self.data.normalize(), "f").replace(".", ",")


class ParisDateTimeField(DateTimeLocalField):
    """A date and time typed in Paris time, handed to the core as an aware UTC moment."""

    data: datetime | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", LOCAL_FORMAT)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Enter a date and a time."))) from None
        if self.data is not None and self.data.tzinfo is None:
            self.data = self.data.replace(tzinfo=PARIS).astimezone(UTC)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.astimezone(PARIS).strftime(LOCAL_FORMAT) if self.data else ""


class CountField(IntegerField):
    """A whole number of items; empty means "not counted"."""

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        raw = str(valuelist[0]).strip() if valuelist else ""
        if not raw:
            self.data = None
            return
        try:
            self.data = int(raw)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Enter a whole number, for example 3."))) from None
