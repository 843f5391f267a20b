"""Which Paris day a pickup reminder speaks of, and what the reminders say."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from reuse.domain.notices import PickupFacts, day_pickups_notice, pickup_reminder_notice
from reuse.domain.reminders import day_window, paris_day


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "ahead", "day"),
    [
        ("2026-11-26T10:00", 1, date(2026, 11, 27)),
        ("2026-11-26T22:59", 1, date(2026, 11, 27)),  # 23:59 in Paris (UTC+1)
        ("2026-11-26T23:00", 1, date(2026, 11, 28)),  # midnight in Paris
        ("2026-06-30T21:59", 0, date(2026, 6, 30)),  # 23:59 in Paris (UTC+2)
        ("2026-06-30T22:00", 0, date(2026, 7, 1)),
        ("2026-12-31T23:30", 1, date(2027, 1, 2)),
    ],
)
def test_the_day_is_counted_on_the_paris_calendar(now: str, ahead: int, day: date) -> None:
    assert paris_day(utc(now), ahead) == day


@pytest.mark.parametrize(
    ("day", "start", "end", "hours"),
    [
        (date(2026, 11, 27), "2026-11-26T23:00", "2026-11-27T23:00", 24),
        (date(2026, 7, 14), "2026-07-13T22:00", "2026-07-14T22:00", 24),
        (date(2026, 3, 29), "2026-03-28T23:00", "2026-03-29T22:00", 23),  # clocks go forward
        (date(2026, 10, 25), "2026-10-24T22:00", "2026-10-25T23:00", 25),  # clocks go back
    ],
)
def test_a_paris_day_is_its_utc_window_of_23_24_or_25_hours(
    day: date, start: str, end: str, hours: int
) -> None:
    window = day_window(day)
    assert window == (utc(start), utc(end))
    assert (window[1] - window[0]).total_seconds() == hours * 3600


def a_pickup(at: str, actor: str = "Ressourcerie du Pays de Morlaix") -> PickupFacts:
    return PickupFacts(
        lot_id=12, actor_name=actor, subcategory_label="Canapés", kg=Decimal("40.500"),
        site_name="Déchèterie du Launay", commune_name="Morlaix", pickup_at=utc(at),
    )  # fmt: skip


def test_a_reminder_names_the_paris_time_the_place_and_what_was_reserved() -> None:
    notice = pickup_reminder_notice(a_pickup("2026-03-29T07:30"))
    assert notice.subject == (
        "Rappel : enlèvement le dimanche 29 mars à 09 h 30 à Déchèterie du Launay"
    )
    assert "- Objet : Canapés, 40,5 kg réservés" in notice.body
    assert "libérez la réservation" in notice.body


def test_the_agents_list_says_who_comes_when_in_order_of_arrival() -> None:
    pickups = [a_pickup("2026-11-27T08:15"), a_pickup("2026-11-27T13:00", "Emmaüs Morlaix")]
    notice = day_pickups_notice("Déchèterie du Launay", date(2026, 11, 27), pickups)
    assert notice.subject == "2 enlèvements le vendredi 27 novembre à Déchèterie du Launay"
    lines = notice.body.splitlines()
    first = lines.index("- 09 h 15 : Ressourcerie du Pays de Morlaix, Canapés, 40,5 kg (lot n° 12)")
    assert lines[first + 1] == "- 14 h 00 : Emmaüs Morlaix, Canapés, 40,5 kg (lot n° 12)"
