"""Calendar months in Europe/Paris and the UTC instants that bound them (DST included)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Month:
    """One Paris calendar month."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read `YYYY-MM`, refusing anything else."""
        found = MONTH_PATTERN.match(text)
        if found is None:
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, at: datetime) -> Month:
        """The Paris month holding the instant `at`."""
        local = at.astimezone(PARIS)
        return cls(local.year, local.month)

    @property
    def label(self) -> str:
        """The month as `YYYY-MM`."""
        return f"{self.year:04d}-{self.number:02d}"

    @property
    def start(self) -> datetime:
        """Local midnight of the first day, in UTC."""
        return datetime(self.year, self.number, 1, tzinfo=PARIS).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """Local midnight of the next month's first day, in UTC."""
        return self.shifted(1).start

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months have consecutive indexes."""
        return self.year * 12 + self.number - 1

    def shifted(self, months: int) -> Month:
        """The month `months` later (earlier when negative)."""
        index = self.index + months
        return Month(index // 12, index % 12 + 1)


def paris_month_of_stored(stored: str) -> str:
    """The `YYYY-MM` label of the Paris month of a UTC instant as SQLite stores it
    (`YYYY-MM-DD HH:MM:SS.ffffff`, naive): SQLite's `paris_month()` (reuse/db.py)."""
    return Month.of(datetime.fromisoformat(stored).replace(tzinfo=UTC)).label


def month_range(first: Month, last: Month) -> tuple[Month, ...]:
    """Every month from `first` to `last`, both included."""
    if last < first:
        raise ValueError(f"{last.label} is before {first.label}")
    count = last.index - first.index + 1
    return tuple(first.shifted(n) for n in range(count))
