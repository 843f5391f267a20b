"""Which Paris calendar day a reminder speaks of, as a window of UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from reuse.domain.french import PARIS


def paris_day(now: datetime, ahead: int = 0) -> date:
    """The calendar day in Paris `ahead` days after the one `now` falls on."""
    return now.astimezone(PARIS).date() + timedelta(days=ahead)


def day_window(day: date) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a Paris calendar day: 23 or 25 hours on a DST change."""
    start = datetime.combine(day, time(0), tzinfo=PARIS)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS)
    return start.astimezone(UTC), end.astimezone(UTC)
