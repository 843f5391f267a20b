"""Who reads which offers, claims and receptions: each actor its own, agents their sites'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from reuse.domain.claims import ClaimRequest
from reuse.domain.errors import NotFound
from reuse.domain.vocabulary import Role
from reuse.services.actor_directory import ActorDirectory
from reuse.services.claim_queries import (
    ClaimFilters,
    claim_detail,
    list_claims,
    reception_detail,
)
from reuse.services.claims import book_pickup, claim_offer
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.services.offer_queries import list_offers, offer_detail
from reuse.services.receptions import receive_claim, report_outcomes
from reuse.unit_of_work import UnitOfWork

from builders import NOW, a_draft, a_recycler_of, a_site, a_user, an_actor, an_agent_of

CHAIRS = {"mobilier.assise": ["as_is"]}


@dataclass(frozen=True)
class Pair:
    agent: int
    other_agent: int
    admin: int
    recyclers: tuple[int, int]
    offers: tuple[int, int]


@pytest.fixture
def pair(uow: UnitOfWork) -> Pair:
    """A lot of 40 chairs offered to two actors, each with its recycler."""
    with uow:
        site = a_site(uow.session)
        site.territory.wave_size = 2
        agent, other_agent = (
            an_agent_of(uow.session, site),
            an_agent_of(uow.session, a_site(uow.session)),
        )
        admin = a_user(uow.session, Role.ADMIN)
        actors = [an_actor(uow.session, CHAIRS) for _ in range(2)]
        recyclers = tuple(a_recycler_of(uow.session, actor).id for actor in actors)
        uow.commit()
        ids = agent.id, other_agent.id, admin.id, site.id, [a.id for a in actors]
    draft = a_draft(estimated_kg=Decimal("200"), item_count=40)
    lot = declare_lot(
        uow, by=ids[0], site_id=ids[3], subcategory="mobilier.assise", draft=draft, now=NOW
    ).lot_id
    match_lot(uow, ActorDirectory(), lot_id=lot, now=NOW)
    offers = tuple(next(o.id for o in list_offers(uow, by=recycler)[0]) for recycler in recyclers)
    return Pair(ids[0], ids[1], ids[2], recyclers, offers)  # type: ignore[arg-type]


def test_a_recycler_reads_only_its_own_actors_offers(uow: UnitOfWork, pair: Pair) -> None:
    mine, total = list_offers(uow, by=pair.recyclers[0])
    assert [o.id for o in mine] == [pair.offers[0]]
    assert total == 1
    assert mine[0].lot.subcategory == "mobilier.assise"
    assert mine[0].reasons
    assert offer_detail(uow, by=pair.recyclers[0], offer_id=pair.offers[0]).id == pair.offers[0]
    with pytest.raises(NotFound):
        offer_detail(uow, by=pair.recyclers[0], offer_id=pair.offers[1])


def test_offers_filter_by_status_and_admins_read_every_offer(uow: UnitOfWork, pair: Pair) -> None:
    assert list_offers(uow, by=pair.recyclers[0], status="claimed") == ([], 0)
    assert list_offers(uow, by=pair.agent)[1] == 0
    assert list_offers(uow, by=pair.admin)[1] >= 2


def test_agents_see_who_comes_when_to_their_sites_and_recyclers_their_own_claims(
    uow: UnitOfWork, pair: Pair
) -> None:
    half = ClaimRequest(kg=Decimal("100"))
    first = claim_offer(uow, by=pair.recyclers[0], offer_id=pair.offers[0], request=half, now=NOW)
    second = claim_offer(uow, by=pair.recyclers[1], offer_id=pair.offers[1], request=half, now=NOW)
    pickup = NOW + timedelta(days=1)
    book_pickup(uow, by=pair.recyclers[1], claim_id=second.claim_id, pickup_at=pickup, now=NOW)
    claims, total = list_claims(uow, by=pair.agent, filters=ClaimFilters())
    assert [c.id for c in claims] == [second.claim_id, first.claim_id]
    assert total == 2
    assert claims[0].pickup_at == pickup
    day = ClaimFilters(pickup_from=pickup.date(), pickup_to=pickup.date())
    assert [c.id for c in list_claims(uow, by=pair.agent, filters=day)[0]] == [second.claim_id]
    assert [c.id for c in list_claims(uow, by=pair.recyclers[0], filters=ClaimFilters())[0]] == [
        first.claim_id
    ]
    assert list_claims(uow, by=pair.other_agent, filters=ClaimFilters()) == ([], 0)
    with pytest.raises(NotFound):
        claim_detail(uow, by=pair.recyclers[1], claim_id=first.claim_id)


def test_a_reception_shows_its_outcomes_to_its_actor_and_the_sites_agent_only(
    uow: UnitOfWork, pair: Pair
) -> None:
    claimed = claim_offer(uow, by=pair.recyclers[0], offer_id=pair.offers[0], now=NOW)
    received = receive_claim(
        uow, by=pair.recyclers[0], claim_id=claimed.claim_id, measured_kg=Decimal("190"), now=NOW
    )
    lines = {"reemploi": Decimal("150")}
    report_outcomes(
        uow, by=pair.recyclers[0], reception_id=received.reception_id, lines=lines, now=NOW
    )
    seen = reception_detail(uow, by=pair.agent, reception_id=received.reception_id)
    assert seen.outcomes == lines
    assert seen.gap_kg == Decimal("-10")
    assert seen.corrections == []
    assert claim_detail(uow, by=pair.recyclers[0], claim_id=claimed.claim_id).received_kg == 190
    for outsider in (pair.recyclers[1], pair.other_agent):
        with pytest.raises(NotFound):
            reception_detail(uow, by=outsider, reception_id=received.reception_id)
