"""Pickup reminders: actors the day before (Paris calendar), site agents on the day, once."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from reuse.domain.claims import ClaimRequest
from reuse.mail import FolderMailer
from reuse.models import Notification, Offer
from reuse.services.actor_directory import ActorDirectory
from reuse.services.claims import book_pickup, claim_offer, record_no_show, release_claim
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.services.pickup_reminders import announce_day_pickups, remind_pickups
from reuse.unit_of_work import UnitOfWork

from builders import a_draft, a_recycler_of, a_site, an_actor, an_agent_of

EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Booking:
    claim_id: int
    actor_id: int
    agent_id: int
    recycler_id: int


def a_booking(uow: UnitOfWork, pickup_at: datetime, booked_at: datetime, **site: object) -> Booking:
    """A lot at a site open every day, claimed in part by one actor for `pickup_at`."""
    with uow:
        place = a_site(uow.session, opening_weekdays=EVERY_DAY, **site)
        agent = an_agent_of(uow.session, place)
        actor = an_actor(uow.session, contact_email="ressourcerie@example.org")
        recycler = a_recycler_of(uow.session, actor)
        uow.commit()
        ids = place.id, agent.id, actor.id, recycler.id
    draft = a_draft(available_from=booked_at, deadline=booked_at + timedelta(days=7))
    lot = declare_lot(
        uow, by=ids[1], site_id=ids[0], subcategory="mobilier.canape", draft=draft, now=booked_at
    ).lot_id
    match_lot(uow, ActorDirectory(), lot_id=lot, now=booked_at)
    with uow:
        offer = uow.session.scalar(
            select(Offer.id).where(Offer.lot_id == lot, Offer.actor_id == ids[2])
        )
    claim = claim_offer(
        uow, by=ids[3], offer_id=offer, request=ClaimRequest(kg=Decimal("25")), now=booked_at
    ).claim_id
    book_pickup(uow, by=ids[3], claim_id=claim, pickup_at=pickup_at, now=booked_at)
    return Booking(claim, ids[2], ids[1], ids[3])


def reminders_of(uow: UnitOfWork, actor_id: int) -> list[Notification]:
    with uow:
        query = select(Notification).where(
            Notification.actor_id == actor_id, Notification.kind == "pickup_reminder"
        )
        return list(uow.session.scalars(query))


def mails_in(folder: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for path in sorted(folder.glob("*.eml"))
    ]


@pytest.mark.parametrize(
    ("now", "pickup_at", "reminded"),
    [
        ("2026-11-26T16:00", "2026-11-27T08:00", True),  # an ordinary tomorrow
        ("2026-11-26T16:00", "2026-11-26T22:30", False),  # 23:30 in Paris: still today
        ("2026-11-26T16:00", "2026-11-27T23:30", False),  # 00:30 in Paris: the day after
        ("2026-11-26T23:30", "2026-11-27T08:00", False),  # 00:30 in Paris: that is today now
        # Sunday 29 March 2026 lasts 23 hours in Paris (clocks go forward at 2:00).
        ("2026-03-28T16:00", "2026-03-28T23:30", True),  # 00:30 CET on the 29th
        ("2026-03-28T16:00", "2026-03-29T21:30", True),  # 23:30 CEST on the 29th
        ("2026-03-28T16:00", "2026-03-29T22:30", False),  # 00:30 CEST on the 30th
        # Sunday 25 October 2026 lasts 25 hours in Paris (clocks go back at 3:00).
        ("2026-10-24T15:00", "2026-10-24T21:30", False),  # 23:30 CEST on the 24th
        ("2026-10-24T15:00", "2026-10-24T22:30", True),  # 00:30 CEST on the 25th
        ("2026-10-24T15:00", "2026-10-25T22:30", True),  # 23:30 CET on the 25th
    ],
)
def test_actors_are_reminded_of_the_pickups_booked_for_tomorrow_in_paris(
    uow: UnitOfWork, tmp_path: Path, now: str, pickup_at: str, reminded: bool
) -> None:
    booking = a_booking(uow, utc(pickup_at), booked_at=utc(now) - timedelta(hours=1))
    sent = remind_pickups(uow, FolderMailer(tmp_path), now=utc(now))
    assert sent == len(reminders_of(uow, booking.actor_id)) == int(reminded)
    assert len(mails_in(tmp_path)) == int(reminded)


@pytest.mark.parametrize("ended_by", ["release", "no-show"])
def test_a_released_or_missed_pickup_is_not_reminded(
    uow: UnitOfWork, tmp_path: Path, ended_by: str
) -> None:
    now, pickup_at = utc("2026-11-26T16:00"), utc("2026-11-27T08:00")
    booking = a_booking(uow, pickup_at, booked_at=now - timedelta(hours=1))
    if ended_by == "release":
        release_claim(uow, by=booking.recycler_id, claim_id=booking.claim_id, now=now)
    else:
        after = pickup_at + timedelta(hours=2)
        record_no_show(uow, by=booking.agent_id, claim_id=booking.claim_id, now=after)
    assert remind_pickups(uow, FolderMailer(tmp_path), now=now) == 0
    assert reminders_of(uow, booking.actor_id) == []


def test_a_pickup_is_reminded_once_however_often_the_job_runs(
    uow: UnitOfWork, tmp_path: Path
) -> None:
    now, pickup_at = utc("2026-11-26T09:30"), utc("2026-11-27T08:00")
    booking = a_booking(uow, pickup_at, booked_at=now - timedelta(hours=1))
    mailer = FolderMailer(tmp_path)
    runs = [remind_pickups(uow, mailer, now=now + timedelta(hours=h)) for h in range(4)]
    assert runs == [1, 0, 0, 0]
    (reminder,) = reminders_of(uow, booking.actor_id)
    assert reminder.subject.startswith("Rappel : enlèvement le vendredi 27 novembre à 09 h 00")
    (mail,) = mails_in(tmp_path)
    assert mail["To"] == "ressourcerie@example.org"
    assert mail["Subject"] == reminder.subject


def test_the_sites_agents_hear_once_in_the_morning_who_comes_when(
    uow: UnitOfWork, tmp_path: Path
) -> None:
    morning = utc("2026-11-27T06:00")
    launay = a_booking(uow, utc("2026-11-27T13:00"), morning - timedelta(days=1), name="Launay")
    plouigneau = a_booking(uow, utc("2026-11-27T08:30"), morning, name="Plouigneau")
    mailer = FolderMailer(tmp_path)
    assert announce_day_pickups(uow, mailer, now=morning) == 2
    assert announce_day_pickups(uow, mailer, now=morning + timedelta(hours=1)) == 0
    with uow:
        query = select(Notification).where(Notification.kind == "day_pickups")
        told = {n.user_id: n for n in uow.session.scalars(query)}
    assert told[launay.agent_id].subject == "1 enlèvement le vendredi 27 novembre à Launay"
    assert "- 14 h 00 : Ressourcerie test, Canapés et banquettes, 25 kg" in (
        told[launay.agent_id].body
    )
    assert "- 09 h 30 : Ressourcerie test" in told[plouigneau.agent_id].body
    assert "Launay" not in told[plouigneau.agent_id].body
    assert sorted(mail["Subject"] for mail in mails_in(tmp_path)) == sorted(
        n.subject for n in told.values()
    )
