"""Calendar months and ISO weeks in Europe/Paris, for timestamps stored in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Month:
    """A calendar month in Paris: its first day and the UTC instants that bound it."""

    first_day: date
    start: datetime
    end: datetime

    @property
    def days(self) -> list[date]:
        """Every date of the month."""
        count = (self.end.astimezone(PARIS).date() - self.first_day).days
        return [self.first_day + timedelta(days=n) for n in range(count)]


def month_of(day: date) -> Month:
    """The Paris calendar month holding `day`."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Month(first, at_local(first, 0, 0), at_local(following, 0, 0))


def months_before(now: datetime, count: int = 12) -> list[Month]:
    """The `count` calendar months before the one holding `now`, oldest first."""
    current = month_of(now.astimezone(PARIS).date())
    months = [current]
    for _ in range(count):
        months.append(month_of(months[-1].first_day - timedelta(days=1)))
    return months[:0:-1]


def at_local(day: date, hour: int, minute: int) -> datetime:
    """The UTC instant of a Paris wall-clock time."""
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


def local_date(at: datetime) -> date:
    """The Paris date of an instant."""
    return at.astimezone(PARIS).date()


def week_start(at: datetime) -> date:
    """The Monday of the Paris ISO week holding `at`."""
    day = local_date(at)
    return day - timedelta(days=day.weekday())
