"""Use cases that remind of booked pickups: the actor the day before, the site's agents that day.

Each message has a dedup key naming the claim (or the site) and the Paris day, so running the
periodic job again, or a replayed task, never tells anyone twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from itertools import groupby
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from reuse.domain.notices import PickupFacts, day_pickups_notice, pickup_reminder_notice
from reuse.domain.reminders import day_window, paris_day
from reuse.domain.vocabulary import ClaimStatus
from reuse.mail import Mailer
from reuse.models import Claim, Lot, Notification, NotificationSettings, Site, User
from reuse.services.inbox import actor_address, add_once, email, text_of
from reuse.services.notifications import agents_of_site
from reuse.unit_of_work import UnitOfWork

PICKUP_REMINDER = "pickup_reminder"
DAY_PICKUPS = "day_pickups"


def remind_pickups(uow: UnitOfWork, mailer: Mailer, *, now: datetime | None = None) -> int:
    """Remind each actor, once, of every pickup it booked for tomorrow (Paris); return how many."""
    at = now or datetime.now(UTC)
    day = paris_day(at, ahead=1)
    with uow:
        reminded = sum(_remind(uow, mailer, claim, day, at) for claim in _booked_on(uow, day))
        uow.commit()
        return reminded


def announce_day_pickups(uow: UnitOfWork, mailer: Mailer, *, now: datetime | None = None) -> int:
    """Tell the agents of each site, once, who comes when today (Paris); return how many."""
    at = now or datetime.now(UTC)
    day = paris_day(at)
    with uow:
        # A stable sort: each site's pickups stay in their order of arrival.
        claims = sorted(_booked_on(uow, day), key=lambda c: c.lot.site_id)
        told = 0
        for _, group in groupby(claims, key=lambda c: c.lot.site_id):
            told += _announce(uow, mailer, list(group), day, at)
        uow.commit()
        return told


def _booked_on(uow: UnitOfWork, day: date) -> Sequence[Claim]:
    # Released, no-show and settled claims are not coming: only active ones are.
    start, end = day_window(day)
    query = (
        select(Claim)
        .where(Claim.status == ClaimStatus.ACTIVE.value)
        .where(Claim.pickup_at >= start, Claim.pickup_at < end)
        .options(
            joinedload(Claim.actor),
            joinedload(Claim.lot).joinedload(Lot.site).joinedload(Site.commune),
            joinedload(Claim.lot).joinedload(Lot.subcategory),
        )
        .order_by(Claim.pickup_at, Claim.id)
    )
    return uow.session.scalars(query).unique().all()


def _facts(claim: Claim) -> PickupFacts:
    lot = claim.lot
    return PickupFacts(
        lot_id=lot.id,
        actor_name=claim.actor.name,
        subcategory_label=lot.subcategory.label_fr,
        kg=claim.kg,
        site_name=lot.site.name,
        commune_name=lot.site.commune.name,
        pickup_at=cast(datetime, claim.pickup_at),  # selected on its pickup time
    )


def _remind(uow: UnitOfWork, mailer: Mailer, claim: Claim, day: date, at: datetime) -> int:
    notification = add_once(
        uow,
        Notification(
            dedup_key=f"pickup-reminder:{claim.id}:{day.isoformat()}",
            kind=PICKUP_REMINDER,
            actor_id=claim.actor_id,
            lot_id=claim.lot_id,
            created_at=at,
            **text_of(pickup_reminder_notice(_facts(claim))),
        ),
    )
    if notification is None:
        return 0
    # Sent at once even to actors who chose the daily digest: it goes out at 7:00 on the
    # pickup day, too late to remind of an early pickup.
    address = actor_address(uow.session.get(NotificationSettings, claim.actor_id), claim.actor)
    if address is not None:
        email(mailer, address, notification, at)
    return 1


def _announce(uow: UnitOfWork, mailer: Mailer, claims: list[Claim], day: date, at: datetime) -> int:
    site = claims[0].lot.site
    notice = day_pickups_notice(site.name, day, [_facts(claim) for claim in claims])
    return sum(
        _tell_agent(uow, mailer, agent, site, day, text_of(notice), at)
        for agent in agents_of_site(uow, site)
    )


def _tell_agent(
    uow: UnitOfWork,
    mailer: Mailer,
    agent: User,
    site: Site,
    day: date,
    text: dict[str, str],
    at: datetime,
) -> int:
    notification = add_once(
        uow,
        Notification(
            dedup_key=f"day-pickups:{site.id}:{day.isoformat()}:{agent.id}",
            kind=DAY_PICKUPS,
            user_id=agent.id,
            created_at=at,
            **text,
        ),
    )
    if notification is None:
        return 0
    email(mailer, agent.email, notification, at)
    return 1
