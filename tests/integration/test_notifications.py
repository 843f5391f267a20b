"""Notifications through the use cases: once per offer, digests, agents told, signed webhooks."""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reuse.domain.errors import NotFound
from reuse.domain.vocabulary import Role
from reuse.mail import FolderMailer, message_id
from reuse.models import (
    Actor,
    Notification,
    NotificationSettings,
    Offer,
    OutboxMessage,
    Site,
    User,
    WebhookDelivery,
)
from reuse.services.lots import declare_lot
from reuse.services.notifications import (
    deliver_webhook,
    list_notifications,
    mark_read,
    notify_offers,
    notify_unmatched,
    record_webhook_given_up,
    send_digests,
)
from reuse.unit_of_work import UnitOfWork
from reuse.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

from builders import NOW, a_draft, a_site, a_territory, a_user, an_actor, an_agent_of

SECRET = "whsec-notifications-test"


# --- builders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    site_id: int
    territory_id: int
    agent_id: int


@pytest.fixture
def place(uow: UnitOfWork) -> Place:
    with uow:
        site = a_site(uow.session)
        agent = an_agent_of(uow.session, site)
        uow.commit()
        return Place(site.id, site.territory_id, agent.id)


@pytest.fixture
def mailer(tmp_path: Path) -> FolderMailer:
    return FolderMailer(tmp_path / "mail", "reuse <no-reply@reuse.test>")


def a_lot(uow: UnitOfWork, place: Place, subcategory: str = "mobilier.canape", **draft: Any) -> int:
    declared = declare_lot(
        uow,
        by=place.agent_id,
        site_id=place.site_id,
        subcategory=subcategory,
        draft=a_draft(**draft),
        now=NOW,
    )
    return declared.lot_id


def an_actor_with(session: Session, settings: dict[str, Any] | None = None, **actor: Any) -> Actor:
    """An actor (accepting every subcategory the tests use) with notification settings."""
    accepts = {"mobilier.canape": ["as_is"], "gros_electromenager.lavage": ["as_is"]}
    values = {"contact_email": f"{uuid.uuid4().hex[:10]}@actor.test"} | actor
    found = an_actor(session, accepts=accepts, **values)
    if settings is not None:
        session.add(NotificationSettings(actor_id=found.id, **settings))
        session.flush()
    return found


def offers_of(uow: UnitOfWork, lot_id: int, *actors: Actor) -> list[int]:
    offers = [
        Offer(
            lot_id=lot_id,
            actor_id=actor.id,
            wave=1,
            rank=rank,
            distance_km=Decimal("2.5"),
            score=Decimal("0.9"),
            reasons=["2,5 km", "accepte Canapés et banquettes", "peu sollicité récemment"],
            status="open",
            sent_at=NOW,
        )
        for rank, actor in enumerate(actors, start=1)
    ]
    uow.session.add_all(offers)
    uow.session.flush()
    return [offer.id for offer in offers]


def setup(
    uow: UnitOfWork, place: Place, *settings: dict[str, Any] | None
) -> tuple[list[int], list[int]]:
    """A lot offered to one actor per settings; returns (actor ids, offer ids)."""
    lot_id = a_lot(uow, place)
    with uow:
        actors = [an_actor_with(uow.session, s) for s in settings]
        offer_ids = offers_of(uow, lot_id, *actors)
        uow.commit()
        return [a.id for a in actors], offer_ids


def mails(mailer: FolderMailer) -> list[EmailMessage]:
    """The e-mails the folder mailer wrote, oldest first, with headers decoded."""
    if not mailer.folder.exists():
        return []
    files = sorted(mailer.folder.glob("*.eml"))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]


def notifications(uow: UnitOfWork, **where: Any) -> list[Notification]:
    with uow:
        query = select(Notification).filter_by(**where).order_by(Notification.id)
        return list(uow.session.scalars(query))


# --- offers -----------------------------------------------------------------------------


def test_each_offer_is_notified_and_emailed_once_even_when_notify_offers_runs_twice(
    uow, place, mailer
) -> None:
    actors, offer_ids = setup(uow, place, None, {"daily_digest": False})

    assert notify_offers(uow, mailer, offer_ids=offer_ids, now=NOW) == 2
    assert notify_offers(uow, mailer, offer_ids=offer_ids, now=NOW + timedelta(minutes=1)) == 0

    created = notifications(uow, kind="offer")
    assert [(n.offer_id, n.actor_id, n.dedup_key) for n in created] == [
        (offer_ids[0], actors[0], f"offer:{offer_ids[0]}"),
        (offer_ids[1], actors[1], f"offer:{offer_ids[1]}"),
    ]
    assert all(n.emailed_at == NOW and not n.digest_pending for n in created)
    sent = mails(mailer)
    assert len(sent) == 2
    assert sorted(m["Message-ID"] for m in sent) == sorted(
        message_id(f"offer:{offer_id}") for offer_id in offer_ids
    )


def test_the_offer_message_is_in_french_with_the_lot_the_site_the_deadline_and_the_reasons(
    uow, place, mailer
) -> None:
    lot_id = a_lot(uow, place, estimated_kg=Decimal("1234.5"), item_count=30)
    with uow:
        actor = an_actor_with(uow.session, {"email": "offres@ressourcerie.test"})
        offer_ids = offers_of(uow, lot_id, actor)
        uow.commit()

    notify_offers(uow, mailer, offer_ids=offer_ids, now=NOW)

    [sent] = mails(mailer)
    assert sent["To"] == "offres@ressourcerie.test"
    assert sent["From"] == "reuse <no-reply@reuse.test>"
    body = sent.get_content()
    assert "Canapés et banquettes" in sent["Subject"]
    assert "1\u202f234,5 kg" in body
    assert "Déchèterie test (Morlaix)" in body
    assert "À enlever avant le mardi 17 mars à 10 h 00" in body  # 09:00 UTC is 10:00 in Paris
    assert "Distance : 2,5 km" in body
    assert "- peu sollicité récemment" in body


def test_an_actor_without_settings_is_emailed_at_its_contact_address(uow, place, mailer) -> None:
    lot_id = a_lot(uow, place)
    with uow:
        actor = an_actor_with(uow.session, None, contact_email="contact@emmaus.test")
        offer_ids = offers_of(uow, lot_id, actor)
        uow.commit()

    notify_offers(uow, mailer, offer_ids=offer_ids, now=NOW)

    assert [m["To"] for m in mails(mailer)] == ["contact@emmaus.test"]


def test_an_actor_interested_only_in_other_categories_is_not_notified(uow, place, mailer) -> None:
    actors, offer_ids = setup(
        uow,
        place,
        {"categories_of_interest": ["gros_electromenager"]},
        {"categories_of_interest": ["mobilier"]},
        {"categories_of_interest": ["gros_electromenager.lavage", "mobilier.canape"]},
    )

    assert notify_offers(uow, mailer, offer_ids=offer_ids, now=NOW) == 2

    assert [n.actor_id for n in notifications(uow, kind="offer")] == actors[1:]
    assert len(mails(mailer)) == 2


# --- digests ----------------------------------------------------------------------------


def test_digest_actors_get_one_email_a_day_while_instant_actors_get_theirs_at_once(
    uow, place, mailer
) -> None:
    instant, digest = {"daily_digest": False}, {"daily_digest": True}
    actors, first = setup(uow, place, instant, digest, digest)
    _, second = setup(uow, place, instant, digest)
    with uow:  # the second lot is also offered to the first lot's digest actors
        lot_id = uow.session.get_one(Offer, second[0]).lot_id
        more = offers_of(uow, lot_id, *(uow.session.get_one(Actor, a) for a in actors[1:]))
        uow.commit()

    notify_offers(uow, mailer, offer_ids=first + second + more, now=NOW)
    assert len(mails(mailer)) == 2  # the two instant actors only
    assert len(notifications(uow, digest_pending=True)) == 5

    assert send_digests(uow, mailer, now=NOW + timedelta(hours=10)) == 3
    assert send_digests(uow, mailer, now=NOW + timedelta(hours=11)) == 0

    digests = [m for m in mails(mailer) if m["Subject"].startswith("Récapitulatif")]
    assert len(digests) == 3
    by_recipient = {m["To"]: m.get_content() for m in digests}
    assert sum("Voici 2 notifications" in body for body in by_recipient.values()) == 2
    assert notifications(uow, digest_pending=True) == []
    assert all(n.emailed_at is not None for n in notifications(uow, kind="offer"))


# --- unmatched lots ---------------------------------------------------------------------


def test_the_agents_of_the_lots_territory_are_told_when_no_actor_can_take_it(
    uow, place, mailer
) -> None:
    lot_id = a_lot(uow, place)
    with uow:
        site = uow.session.get_one(Site, place.site_id)
        other_site = a_site(uow.session, site.territory)
        of_this_site = a_user(
            uow.session, Role.AGENT, territory_id=site.territory_id, site_id=site.id
        )
        of_other_site = a_user(
            uow.session, Role.AGENT, territory_id=site.territory_id, site_id=other_site.id
        )
        elsewhere = an_agent_of(uow.session, a_site(uow.session, a_territory(uow.session)))
        recycler = a_user(uow.session, Role.RECYCLER, territory_id=site.territory_id)
        told = {place.agent_id: None, of_this_site.id: None}
        not_told = {of_other_site.id, elsewhere.id, recycler.id}
        uow.commit()

    assert notify_unmatched(uow, mailer, lot_id=lot_id, now=NOW) == 2
    assert notify_unmatched(uow, mailer, lot_id=lot_id, now=NOW) == 0

    sent = notifications(uow, kind="unmatched")
    assert {n.user_id for n in sent} == set(told)
    assert not {n.user_id for n in sent} & not_told
    assert {n.dedup_key for n in sent} == {f"unmatched:{lot_id}:{user}" for user in told}
    with uow:
        addresses = {uow.session.get_one(User, user).email for user in told}
    messages = mails(mailer)
    assert {m["To"] for m in messages} == addresses
    body = messages[0].get_content()
    assert "Aucun acteur du réemploi ne peut prendre ce lot" in body
    assert "benne de recyclage adaptée (filière DEA" in body
    assert "avant le mardi 17 mars à 10 h 00" in body


def test_telling_the_agents_about_an_unknown_lot_is_refused(uow, mailer) -> None:
    with pytest.raises(NotFound):
        notify_unmatched(uow, mailer, lot_id=10**9, now=NOW)


# --- the in-app list --------------------------------------------------------------------


def test_an_actor_lists_its_notifications_newest_first_and_marks_one_read(
    uow, place, mailer
) -> None:
    actors, offer_ids = setup(uow, place, None)
    _, other_offers = setup(uow, place, None)
    with uow:  # a second offer to the same actor, an hour later
        lot_id = uow.session.get_one(Offer, other_offers[0]).lot_id
        later = offers_of(uow, lot_id, uow.session.get_one(Actor, actors[0]))
        uow.commit()
    notify_offers(uow, mailer, offer_ids=offer_ids + other_offers, now=NOW)
    notify_offers(uow, mailer, offer_ids=later, now=NOW + timedelta(hours=1))

    listed = list_notifications(uow, actor_id=actors[0])
    assert [n.offer_id for n in listed] == [later[0], offer_ids[0]]

    mark_read(uow, notification_id=listed[0].id, actor_id=actors[0], now=NOW + timedelta(hours=2))
    unread = list_notifications(uow, actor_id=actors[0], unread_only=True)
    assert [n.offer_id for n in unread] == [offer_ids[0]]
    assert list_notifications(uow, actor_id=actors[0])[0].is_read


def test_nobody_marks_read_a_notification_that_is_not_theirs(uow, place, mailer) -> None:
    actors, offer_ids = setup(uow, place, None, None)
    notify_offers(uow, mailer, offer_ids=offer_ids, now=NOW)
    [theirs] = list_notifications(uow, actor_id=actors[1])

    with pytest.raises(NotFound):
        mark_read(uow, notification_id=theirs.id, actor_id=actors[0], now=NOW)


# --- webhooks ---------------------------------------------------------------------------


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that checks signatures and records what it got."""

    status: int = 200
    bodies: list[bytes] = field(default_factory=list)
    signatures_valid: list[bool] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    received = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            valid = verify(
                SECRET,
                self.headers[TIMESTAMP_HEADER],
                body,
                self.headers[SIGNATURE_HEADER],
                now=time.time(),
            )
            received.bodies.append(body)
            received.signatures_valid.append(valid)
            self.send_response(received.status if valid else 401)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    received.url = f"http://127.0.0.1:{server.server_port}/reuse-hook"
    yield received
    server.shutdown()
    server.server_close()
    thread.join()


def hooked(url: str, **overrides: Any) -> dict[str, Any]:
    return {"webhook_url": url, "webhook_secret": SECRET, "webhook_enabled": True} | overrides


def webhook_notification(uow: UnitOfWork, place: Place, mailer: FolderMailer, url: str) -> int:
    _, offer_ids = setup(uow, place, hooked(url))
    notify_offers(uow, mailer, offer_ids=offer_ids, now=NOW)
    [notification] = notifications(uow, offer_id=offer_ids[0])
    return notification.id


def deliveries(uow: UnitOfWork, notification_id: int) -> list[WebhookDelivery]:
    with uow:
        query = select(WebhookDelivery).filter_by(notification_id=notification_id)
        return list(uow.session.scalars(query.order_by(WebhookDelivery.attempt)))


def test_an_enabled_webhook_is_due_after_commit_only_for_actors_that_have_one(
    uow, place, mailer
) -> None:
    _, offer_ids = setup(
        uow, place, hooked("http://127.0.0.1:9/"), None, hooked("x", webhook_enabled=False)
    )
    notify_offers(uow, mailer, offer_ids=offer_ids, now=NOW)

    with uow:
        due = uow.session.scalars(select(OutboxMessage).filter_by(name="WebhookDue")).all()
        [notification] = uow.session.scalars(select(Notification).filter_by(offer_id=offer_ids[0]))
        assert [m.payload["notification_id"] for m in due] == [notification.id]


def test_a_signed_offer_reaches_a_real_receiver_and_the_delivery_is_logged(
    uow, place, mailer, receiver
) -> None:
    notification_id = webhook_notification(uow, place, mailer, receiver.url)

    delivered = deliver_webhook(
        uow, notification_id=notification_id, attempt=1, now=datetime.now(UTC)
    )

    assert delivered
    assert receiver.signatures_valid == [True]
    body = json.loads(receiver.bodies[0])
    assert body["type"] == "offer.created"
    assert body["notification_id"] == notification_id
    assert (body["subcategory"], body["kg"]) == ("mobilier.canape", "40.000")
    assert body["deadline"] == (NOW + timedelta(days=7)).isoformat()
    assert "peu sollicité récemment" in body["reasons"]
    [logged] = deliveries(uow, notification_id)
    assert (logged.attempt, logged.status_code, logged.succeeded, logged.error) == (
        1,
        200,
        True,
        None,
    )


def test_a_delivered_webhook_is_not_posted_again_when_the_task_is_replayed(
    uow, place, mailer, receiver
) -> None:
    notification_id = webhook_notification(uow, place, mailer, receiver.url)
    deliver_webhook(uow, notification_id=notification_id, attempt=1, now=datetime.now(UTC))

    assert deliver_webhook(uow, notification_id=notification_id, attempt=1, now=datetime.now(UTC))

    assert len(receiver.bodies) == 1
    assert len(deliveries(uow, notification_id)) == 1


def test_a_receiver_answering_500_leaves_a_failed_delivery_and_asks_for_a_retry(
    uow, place, mailer, receiver
) -> None:
    receiver.status = 500
    notification_id = webhook_notification(uow, place, mailer, receiver.url)

    assert not deliver_webhook(
        uow, notification_id=notification_id, attempt=1, now=datetime.now(UTC)
    )
    assert not deliver_webhook(
        uow, notification_id=notification_id, attempt=1, now=datetime.now(UTC)
    )

    logged = deliveries(uow, notification_id)
    assert [(d.attempt, d.status_code, d.succeeded) for d in logged] == [
        (1, 500, False),
        (2, 500, False),
    ]
    assert logged[0].error


def test_a_platform_refusing_private_addresses_logs_the_refusal_and_posts_nothing(
    runtime, uow, place, mailer, receiver
) -> None:
    notification_id = webhook_notification(uow, place, mailer, receiver.url)
    denying = replace(runtime, settings=replace(runtime.settings, webhook_allow_private=False))

    delivered = deliver_webhook(
        uow, notification_id=notification_id, attempt=1, now=NOW, post=denying.webhook_post
    )

    assert not delivered
    assert receiver.bodies == []
    [logged] = deliveries(uow, notification_id)
    assert (logged.status_code, logged.succeeded) == (None, False)
    assert "127.0.0.1, not a public address" in (logged.error or "")


def test_an_unreachable_webhook_is_a_failed_delivery_without_status(uow, place, mailer) -> None:
    notification_id = webhook_notification(uow, place, mailer, "http://127.0.0.1:9/closed")

    assert not deliver_webhook(uow, notification_id=notification_id, attempt=1, now=NOW)

    [logged] = deliveries(uow, notification_id)
    assert (logged.status_code, logged.succeeded) == (None, False)
    assert logged.error


def test_five_given_up_deliveries_disable_the_webhook_and_tell_the_recyclers(
    uow, place, mailer
) -> None:
    notification_id = webhook_notification(uow, place, mailer, "http://127.0.0.1:9/closed")
    with uow:
        actor_id = uow.session.get_one(Notification, notification_id).actor_id
        recyclers = [a_user(uow.session, Role.RECYCLER, actor_id=actor_id) for _ in range(2)]
        a_user(uow.session, Role.RECYCLER, actor_id=an_actor_with(uow.session).id)
        recycler_addresses = {r.email for r in recyclers}
        contact = uow.session.get_one(Actor, actor_id).contact_email
        uow.commit()
    mails_before = len(mails(mailer))

    given_up = [
        record_webhook_given_up(uow, mailer, notification_id=notification_id, now=NOW)
        for _ in range(6)
    ]

    assert given_up == [False, False, False, False, True, False]
    with uow:
        settings = uow.session.get_one(NotificationSettings, actor_id)
        assert (settings.webhook_enabled, settings.webhook_consecutive_failures) == (False, 5)
    [told] = notifications(uow, kind="webhook_disabled")
    assert (told.actor_id, told.dedup_key) == (
        actor_id,
        f"webhook_disabled:{actor_id}:{notification_id}",
    )
    assert "Webhook désactivé" in told.subject
    new_mails = mails(mailer)[mails_before:]
    assert {m["To"] for m in new_mails} == recycler_addresses | {contact}
    assert deliver_webhook(uow, notification_id=notification_id, attempt=7, now=NOW)  # nothing left


def test_a_successful_delivery_resets_the_count_of_consecutive_failures(
    uow, place, mailer, receiver
) -> None:
    notification_id = webhook_notification(uow, place, mailer, receiver.url)
    for _ in range(3):
        record_webhook_given_up(uow, mailer, notification_id=notification_id, now=NOW)

    deliver_webhook(uow, notification_id=notification_id, attempt=1, now=datetime.now(UTC))

    with uow:
        actor_id = uow.session.get_one(Notification, notification_id).actor_id
        assert uow.session.get_one(NotificationSettings, actor_id).webhook_consecutive_failures == 0
        assert uow.session.scalar(select(func.count()).select_from(WebhookDelivery)) >= 1


# --- concurrency ------------------------------------------------------------------------


def test_two_workers_notifying_the_same_offers_at_once_create_one_notification_and_one_email(
    committed, mailer
) -> None:
    uow = committed.uow()
    with uow:
        site = a_site(uow.session)
        place = Place(site.id, site.territory_id, an_agent_of(uow.session, site).id)
        uow.commit()
    _, offer_ids = setup(uow, place, *([None] * 5))
    created: list[int] = []

    def notify() -> None:
        created.append(notify_offers(committed.uow(), mailer, offer_ids=offer_ids, now=NOW))

    workers = [threading.Thread(target=notify) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sum(created) == 5
    assert len(notifications(uow, kind="offer")) == 5
    assert len(mails(mailer)) == 5
