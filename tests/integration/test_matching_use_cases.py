"""Matching use cases on a real database: waves of offers, replays, unmatched lots, expiry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from reuse.domain.claims import ClaimRequest
from reuse.models import (
    Actor,
    ActorAcceptance,
    DirectoryVersion,
    Lot,
    Offer,
    OutboxMessage,
    StatusLogEntry,
)
from reuse.services.actor_directory import ActorDirectory
from reuse.services.claims import claim_offer
from reuse.services.lots import declare_lot, expire_lot, lots_past_deadline
from reuse.services.matching import advance_wave, lots_due_for_a_wave, match_lot
from reuse.unit_of_work import UnitOfWork

from builders import NOW, a_draft, a_recycler_of, a_site, an_actor, an_agent_of


@pytest.fixture
def scene(uow: UnitOfWork):  # type: ignore[no-untyped-def]
    """A site near Morlaix, its agent, and five actors accepting sofas at growing distances."""
    with uow:
        site = a_site(uow.session)
        site.territory.wave_size, site.territory.wave_growth = 2, 2
        agent = an_agent_of(uow.session, site)
        actors = [an_actor(uow.session, name=f"Acteur {i}", lat=48.58 + i * 0.05) for i in range(5)]
        uow.commit()
        return agent.id, site.id, [a.id for a in actors]


def declare(uow: UnitOfWork, scene, subcategory: str = "mobilier.canape") -> int:  # type: ignore[no-untyped-def]
    agent, site, _ = scene
    return declare_lot(
        uow, by=agent, site_id=site, subcategory=subcategory, draft=a_draft(), now=NOW
    ).lot_id


def offers(uow: UnitOfWork, lot_id: int) -> list[Offer]:
    with uow:
        return list(
            uow.session.scalars(select(Offer).where(Offer.lot_id == lot_id).order_by(Offer.rank))
        )


def test_the_first_wave_offers_the_lot_to_the_closest_actors_with_reasons(uow, scene) -> None:
    lot_id = declare(uow, scene)
    result = match_lot(uow, ActorDirectory(), lot_id=lot_id, now=NOW)
    sent = offers(uow, lot_id)
    assert [o.actor_id for o in sent] == scene[2][:2]
    assert [o.rank for o in sent] == [1, 2]
    assert result.offer_ids == tuple(o.id for o in sent)
    assert "accepte Canapés et banquettes" in sent[0].reasons
    with uow:
        lot = uow.session.get(Lot, lot_id)
        assert (lot.status, lot.wave, lot.next_wave_at) == ("offered", 1, NOW + timedelta(hours=2))
        names = uow.session.scalars(
            select(OutboxMessage.name)
            .where(OutboxMessage.lot_id == lot_id)
            .order_by(OutboxMessage.id)
        )
        assert list(names) == ["LotDeclared", "OffersSent"]


def test_a_replayed_declaration_event_creates_no_second_offer(uow, scene) -> None:
    lot_id = declare(uow, scene)
    directory = ActorDirectory()
    match_lot(uow, directory, lot_id=lot_id, now=NOW)
    replay = match_lot(uow, directory, lot_id=lot_id, now=NOW)
    assert replay.replayed
    assert len(offers(uow, lot_id)) == 2


def test_an_actor_deactivated_after_the_directory_was_cached_gets_no_offer(uow, scene) -> None:
    directory = ActorDirectory()
    match_lot(uow, directory, lot_id=declare(uow, scene), now=NOW)  # the index is now cached
    with uow:
        uow.session.get_one(Actor, scene[2][0]).active = False
        uow.commit()
    lot_id = declare(uow, scene)
    match_lot(uow, directory, lot_id=lot_id, now=NOW)
    assert [o.actor_id for o in offers(uow, lot_id)] == scene[2][1:3]


def test_an_actor_added_after_the_directory_was_cached_is_offered_the_next_lot(uow, scene) -> None:
    directory = ActorDirectory()
    match_lot(uow, directory, lot_id=declare(uow, scene), now=NOW)  # the index is now cached
    with uow:
        closest = an_actor(uow.session, name="Nouvel acteur", lat=48.578).id
        uow.commit()
    lot_id = declare(uow, scene)
    match_lot(uow, directory, lot_id=lot_id, now=NOW)
    assert [o.actor_id for o in offers(uow, lot_id)] == [closest, scene[2][0]]


def test_an_actor_that_stopped_taking_sofas_after_the_directory_was_cached_gets_none(
    uow, scene
) -> None:
    directory = ActorDirectory()
    match_lot(uow, directory, lot_id=declare(uow, scene), now=NOW)  # the index is now cached
    with uow:
        accepted = select(ActorAcceptance).where(ActorAcceptance.actor_id == scene[2][0])
        for acceptance in uow.session.scalars(accepted):
            uow.session.delete(acceptance)
        uow.commit()
    lot_id = declare(uow, scene)
    match_lot(uow, directory, lot_id=lot_id, now=NOW)
    assert [o.actor_id for o in offers(uow, lot_id)] == scene[2][1:3]


def test_offers_and_claims_leave_the_directory_version_alone(uow, scene) -> None:
    def version() -> int | None:
        with uow:
            return uow.session.scalar(select(DirectoryVersion.version))

    before = version()
    lot_id = declare(uow, scene)
    match_lot(uow, ActorDirectory(), lot_id=lot_id, now=NOW)
    with uow:
        recycler = a_recycler_of(uow.session, uow.session.get_one(Actor, scene[2][0])).id
        uow.commit()
    claim_offer(uow, by=recycler, offer_id=offers(uow, lot_id)[0].id,
                request=ClaimRequest(kg=Decimal(5)), now=NOW)  # fmt: skip
    assert version() == before


def test_the_next_wave_waits_for_the_hold_window_then_adds_new_actors(uow, scene) -> None:
    lot_id = declare(uow, scene)
    directory = ActorDirectory()
    match_lot(uow, directory, lot_id=lot_id, now=NOW)
    early = advance_wave(uow, directory, lot_id=lot_id, now=NOW + timedelta(hours=1))
    assert early.replayed
    assert lots_due_for_a_wave(uow, now=NOW + timedelta(hours=2)) == [lot_id]
    second = advance_wave(uow, directory, lot_id=lot_id, now=NOW + timedelta(hours=2))
    assert second.wave == 2
    assert [o.actor_id for o in offers(uow, lot_id)] == scene[2][:4]
    assert {o.wave for o in offers(uow, lot_id)} == {1, 2}


def test_a_lot_no_actor_accepts_becomes_unmatched_at_once(uow, scene) -> None:
    lot_id = declare(uow, scene, subcategory="livres_medias.livres")
    result = match_lot(uow, ActorDirectory(), lot_id=lot_id, now=NOW)
    assert result.unmatched
    assert offers(uow, lot_id) == []
    with uow:
        assert uow.session.get(Lot, lot_id).status == "unmatched"
        log = uow.session.scalars(
            select(StatusLogEntry.reason).where(StatusLogEntry.lot_id == lot_id)
        )
        assert list(log) == ["declared", "no eligible reuse actor"]


def test_expiring_an_offered_lot_withdraws_its_open_offers(uow, scene) -> None:
    lot_id = declare(uow, scene)
    match_lot(uow, ActorDirectory(), lot_id=lot_id, now=NOW)
    later = NOW + timedelta(days=7)
    assert lot_id in lots_past_deadline(uow, now=later)
    expire_lot(uow, lot_id=lot_id, now=later)
    assert {o.status for o in offers(uow, lot_id)} == {"withdrawn"}
    assert lot_id not in lots_past_deadline(uow, now=later)
