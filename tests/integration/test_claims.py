"""Claims, pickups, receptions and outcomes through the use cases, on a real database."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from reuse.domain.claims import ClaimRequest
from reuse.domain.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from reuse.models import (
    ActorWeek,
    Claim,
    Lot,
    Offer,
    OutboxMessage,
    OutcomeLine,
    Reception,
    StatusLogEntry,
    SupersededOutcome,
)
from reuse.runtime import Runtime
from reuse.services.actor_directory import ActorDirectory, week_start
from reuse.services.claims import book_pickup, claim_offer, record_no_show, release_claim
from reuse.services.lots import declare_lot, expire_lot
from reuse.services.matching import match_lot
from reuse.services.receptions import (
    correct_outcomes,
    receive_claim,
    record_nothing_collected,
    report_outcomes,
)
from reuse.unit_of_work import UnitOfWork

from builders import NOW, a_draft, a_recycler_of, a_site, an_actor, an_agent_of

CHAIRS = {"mobilier.assise": ["as_is"]}
HALF = ClaimRequest(kg=Decimal("100"))


@dataclass(frozen=True)
class Scene:
    agent: int
    lot: int
    actors: list[int]
    recyclers: list[int]
    offers: list[int]


def a_scene(uow: UnitOfWork, actors: int = 3, capacity: str = "2000", **draft: Any) -> Scene:
    """A lot of 40 chairs (200 kg) declared and offered to `actors` actors, each with a recycler."""
    with uow:
        site = a_site(uow.session)
        site.territory.wave_size = actors
        agent = an_agent_of(uow.session, site)
        takers = [
            an_actor(uow.session, CHAIRS, weekly_capacity_kg=Decimal(capacity))
            for _ in range(actors)
        ]
        recyclers = [a_recycler_of(uow.session, actor).id for actor in takers]
        uow.commit()
        agent_id, site_id, actor_ids = agent.id, site.id, [a.id for a in takers]
    values = {"estimated_kg": Decimal("200"), "item_count": 40} | draft
    lot = declare_lot(
        uow, by=agent_id, site_id=site_id, subcategory="mobilier.assise",
        draft=a_draft(**values), now=NOW,
    ).lot_id  # fmt: skip
    match_lot(uow, ActorDirectory(), lot_id=lot, now=NOW)
    with uow:
        found = uow.session.execute(select(Offer.actor_id, Offer.id).where(Offer.lot_id == lot))
        by_actor = {actor: offer for actor, offer in found}
    return Scene(agent_id, lot, actor_ids, recyclers, [by_actor[a] for a in actor_ids])


@pytest.fixture
def scene(uow: UnitOfWork) -> Scene:
    return a_scene(uow)


def claim(uow: UnitOfWork, scene: Scene, n: int = 0, request: ClaimRequest = HALF, **kw: Any):  # type: ignore[no-untyped-def]
    at = kw.pop("now", NOW)
    return claim_offer(
        uow, by=scene.recyclers[n], offer_id=scene.offers[n], request=request, now=at, **kw
    )


def rows(uow: UnitOfWork) -> dict[str, Any]:
    """Row counts of every table a claim step writes, and the lots' remaining kilograms."""
    models = (Claim, Reception, OutcomeLine, SupersededOutcome, StatusLogEntry, OutboxMessage)
    with uow:
        counts = {
            m.__name__: uow.session.scalar(select(func.count()).select_from(m)) for m in models
        }
        counts["weeks"] = uow.session.execute(select(ActorWeek.claimed_kg)).all()
        counts["lots"] = uow.session.execute(select(Lot.remaining_kg, Lot.status)).all()
        return counts


def lot_of(uow: UnitOfWork, scene: Scene) -> Lot:
    with uow:
        return uow.session.get_one(Lot, scene.lot)


def week_kg(uow: UnitOfWork, actor_id: int) -> Decimal | None:
    with uow:
        return uow.session.scalar(
            select(ActorWeek.claimed_kg).where(
                ActorWeek.actor_id == actor_id, ActorWeek.week_start == week_start(NOW)
            )
        )


def events(uow: UnitOfWork, scene: Scene) -> list[str]:
    with uow:
        query = select(OutboxMessage.name).where(OutboxMessage.lot_id == scene.lot)
        return list(uow.session.scalars(query.order_by(OutboxMessage.id)))


def log_chain(uow: UnitOfWork, scene: Scene) -> list[tuple[str | None, str]]:
    with uow:
        query = select(StatusLogEntry.from_status, StatusLogEntry.to_status)
        query = query.where(StatusLogEntry.lot_id == scene.lot).order_by(StatusLogEntry.id)
        return [tuple(row) for row in uow.session.execute(query)]  # type: ignore[misc]


def test_claiming_the_whole_lot_takes_everything_and_claims_the_lot(uow, scene) -> None:
    result = claim(uow, scene, request=ClaimRequest())
    assert (result.kg, result.lot_status, result.lot_remaining_kg) == (
        Decimal("200.000"), "claimed", Decimal("0.000"),
    )  # fmt: skip
    assert week_kg(uow, scene.actors[0]) == Decimal("200.000")
    assert events(uow, scene)[-1] == "OfferClaimed"
    assert log_chain(uow, scene)[-1] == ("offered", "claimed")


def test_claiming_part_of_a_lot_leaves_the_rest_on_offer(uow, scene) -> None:
    first = claim(uow, scene)
    second = claim(uow, scene, 1, ClaimRequest(kg=Decimal("60.5")))
    assert (first.lot_status, second.lot_status) == ("partially_claimed", "partially_claimed")
    assert second.lot_remaining_kg == Decimal("39.500")
    last = claim(uow, scene, 2, ClaimRequest(kg=Decimal("39.5")))
    assert (last.lot_status, last.lot_remaining_kg) == ("claimed", Decimal("0.000"))


def test_a_part_in_items_is_weighed_with_the_lots_own_kilograms_per_item(uow, scene) -> None:
    assert claim(uow, scene, request=ClaimRequest(items=13)).kg == Decimal("65.000")
    assert claim(uow, scene, 1, ClaimRequest(items=27)).lot_remaining_kg == Decimal("0.000")


def test_a_replayed_idempotency_key_returns_the_first_claim_and_writes_nothing(uow, scene) -> None:
    first = claim(uow, scene, idempotency_key="click-1")
    before = rows(uow)
    again = claim(uow, scene, request=ClaimRequest(kg=Decimal("5")), idempotency_key="click-1")
    assert (again.claim_id, again.kg, again.replayed) == (first.claim_id, first.kg, True)
    assert rows(uow) == before


def test_an_idempotency_key_used_again_on_another_offer_is_refused(uow, scene) -> None:
    claim(uow, scene, idempotency_key="click-1")
    with uow:
        site_id = uow.session.get_one(Lot, scene.lot).site_id
    draft = a_draft(estimated_kg=Decimal("50"), item_count=10)
    other = declare_lot(
        uow, by=scene.agent, site_id=site_id, subcategory="mobilier.assise", draft=draft, now=NOW
    ).lot_id
    match_lot(uow, ActorDirectory(), lot_id=other, now=NOW)
    with uow:
        query = select(Offer.id).where(Offer.lot_id == other, Offer.actor_id == scene.actors[0])
        offer_id = uow.session.scalar(query)
    before = rows(uow)
    with pytest.raises(ValidationFailed) as refused:
        claim_offer(
            uow, by=scene.recyclers[0], offer_id=offer_id, idempotency_key="click-1", now=NOW
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("Idempotency-Key", "reused")]
    assert rows(uow) == before


def test_a_losing_claim_is_refused_saying_how_many_kilograms_are_left(uow, scene) -> None:
    claim(uow, scene, request=ClaimRequest(kg=Decimal("170")))
    before = rows(uow)
    with pytest.raises(Conflict, match=r"only 30\.000 kg of this lot are left"):
        claim(uow, scene, 1, HALF)
    assert rows(uow) == before
    claim(uow, scene, 1, ClaimRequest())
    with pytest.raises(Conflict, match=r"0\.000 kg left"):
        claim(uow, scene, 2, ClaimRequest())


def test_a_claim_beyond_the_weekly_capacity_is_refused_and_the_lot_keeps_its_kilograms(
    uow,
) -> None:
    scene = a_scene(uow, capacity="120")
    claim(uow, scene)
    before = rows(uow)
    with pytest.raises(Conflict, match=r"weekly capacity: 20\.000 kg left"):
        claim(uow, scene, request=ClaimRequest(kg=Decimal("50")))
    assert rows(uow) == before


def test_a_recycler_cannot_claim_an_offer_made_to_another_actor(uow, scene) -> None:
    before = rows(uow)
    with pytest.raises(NotAllowed):
        claim_offer(uow, by=scene.recyclers[1], offer_id=scene.offers[0], request=HALF, now=NOW)
    assert rows(uow) == before


@pytest.mark.parametrize(
    ("request_", "field", "code"),
    [
        (ClaimRequest(kg=Decimal("0")), "kg", "not_positive"),
        (ClaimRequest(kg=Decimal("1.0005")), "kg", "too_precise"),
        (ClaimRequest(kg=Decimal("201")), "kg", "too_large"),
        (ClaimRequest(items=0), "items", "not_positive"),
        (ClaimRequest(items=41), "items", "too_many"),
        (ClaimRequest(kg=Decimal("5"), items=1), "kg", "ambiguous"),
    ],
)
def test_a_malformed_claim_names_its_field_and_writes_nothing(
    uow, scene, request_, field, code
) -> None:
    before = rows(uow)
    with pytest.raises(ValidationFailed) as refused:
        claim(uow, scene, request=request_)
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]
    assert rows(uow) == before


def test_a_lot_past_its_deadline_can_no_longer_be_claimed(uow, scene) -> None:
    with pytest.raises(Conflict, match="available until"):
        claim(uow, scene, now=NOW + timedelta(days=8))


def test_concurrent_claims_never_over_allocate_a_lot_nor_an_actor_week(
    committed: Runtime,
) -> None:
    scene = a_scene(committed.uow(), actors=4, capacity="60")
    outcomes: list[str] = []

    def race(n: int) -> None:
        for _ in range(6):
            try:
                claim(committed.uow(), scene, n % 4, ClaimRequest(kg=Decimal("17.5")))
                outcomes.append("won")
            except Conflict:
                outcomes.append("lost")

    threads = [threading.Thread(target=race, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with committed.uow() as uow:
        claims = uow.session.scalars(select(Claim).where(Claim.lot_id == scene.lot)).all()
        lot = uow.session.get_one(Lot, scene.lot)
        weeks = {w.actor_id: w.claimed_kg for w in uow.session.scalars(select(ActorWeek))}
    taken = sum((c.kg for c in claims), Decimal(0))
    assert len(outcomes) == 48
    assert outcomes.count("won") == len(claims) == 11
    assert taken + lot.remaining_kg == Decimal("200.000")
    for actor in scene.actors:
        mine = sum((c.kg for c in claims if c.actor_id == actor), Decimal(0))
        assert mine == weeks[actor] <= Decimal("60")


def test_the_same_key_racing_itself_makes_one_claim(committed: Runtime) -> None:
    scene = a_scene(committed.uow(), actors=1)
    results = []

    def race() -> None:
        results.append(claim(committed.uow(), scene, idempotency_key="double-click"))

    threads = [threading.Thread(target=race) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.claim_id for r in results}) == 1
    assert lot_of(committed.uow(), scene).remaining_kg == Decimal("100.000")


def test_releasing_a_claim_gives_its_kilograms_back_and_re_offers_the_lot(uow, scene) -> None:
    taken = claim(uow, scene)
    later = NOW + timedelta(hours=3)
    released = release_claim(
        uow, by=scene.recyclers[0], claim_id=taken.claim_id, reason="van broke", now=later
    )
    assert (released.status, released.lot_status) == ("released", "offered")
    lot = lot_of(uow, scene)
    assert (lot.remaining_kg, lot.next_wave_at) == (Decimal("200.000"), later)
    assert week_kg(uow, scene.actors[0]) == Decimal("0.000")
    assert events(uow, scene)[-1] == "ClaimReleased"
    with pytest.raises(Conflict, match="released"):
        release_claim(uow, by=scene.recyclers[0], claim_id=taken.claim_id, now=later)


def test_a_no_show_gives_the_kilograms_back_and_lowers_the_actors_reliability(uow, scene) -> None:
    first = claim(uow, scene)
    claim(uow, scene, 1)
    pickup = NOW + timedelta(days=1)
    book_pickup(uow, by=scene.recyclers[0], claim_id=first.claim_id, pickup_at=pickup, now=NOW)
    with pytest.raises(Conflict, match="not missed yet"):
        record_no_show(uow, by=scene.agent, claim_id=first.claim_id, now=NOW)
    later = pickup + timedelta(hours=2)
    missed = record_no_show(uow, by=scene.agent, claim_id=first.claim_id, now=later)
    assert (missed.status, missed.lot_status, missed.lot_remaining_kg) == (
        "no_show", "partially_claimed", Decimal("100.000"),
    )  # fmt: skip
    assert lot_of(uow, scene).next_wave_at == later
    with uow:
        profiles = ActorDirectory().in_reach  # the ranking reads the same live figures
        from reuse.services.actor_directory import load_profiles, with_live_figures
        from reuse.services.matching import policy_of

        lot = uow.session.get_one(Lot, scene.lot)
        live = with_live_figures(
            uow.session, load_profiles(uow.session), policy_of(lot.site.territory), later
        )
    assert profiles is not None
    assert {int(p.actor_id): p.no_shows for p in live}[scene.actors[0]] == 1


def test_only_an_agent_of_the_lots_territory_records_a_no_show(uow, scene) -> None:
    taken = claim(uow, scene)
    with uow:
        stranger = an_agent_of(uow.session, a_site(uow.session)).id
        uow.commit()
    before = rows(uow)
    for someone in (stranger, scene.recyclers[0]):
        with pytest.raises(NotFound):
            record_no_show(uow, by=someone, claim_id=taken.claim_id, now=NOW)
    assert rows(uow) == before


def test_a_pickup_is_booked_on_a_day_the_site_is_open_before_the_deadline(uow, scene) -> None:
    taken = claim(uow, scene)
    pickup = NOW + timedelta(days=2)
    booked = book_pickup(
        uow, by=scene.recyclers[0], claim_id=taken.claim_id, pickup_at=pickup, now=NOW
    )
    with uow:
        assert uow.session.get_one(Claim, booked.claim_id).pickup_at == pickup
    assert events(uow, scene)[-1] == "PickupBooked"


@pytest.mark.parametrize(
    ("pickup", "code"),
    [
        (NOW - timedelta(hours=1), "in_the_past"),
        (NOW + timedelta(days=7), "after_deadline"),
        (NOW + timedelta(days=5), "site_closed"),  # Sunday 15 March 2026
    ],
)
def test_a_refused_pickup_slot_says_why_and_writes_nothing(uow, scene, pickup, code) -> None:
    taken = claim(uow, scene)
    before = rows(uow)
    with pytest.raises(ValidationFailed) as refused:
        book_pickup(uow, by=scene.recyclers[0], claim_id=taken.claim_id, pickup_at=pickup, now=NOW)
    assert [(e.field, e.code) for e in refused.value.errors] == [("pickup_at", code)]
    assert rows(uow) == before


def receive(uow: UnitOfWork, scene: Scene, claim_id: int, kg: str, n: int = 0, **kw: Any):  # type: ignore[no-untyped-def]
    return receive_claim(
        uow, by=scene.recyclers[n], claim_id=claim_id, measured_kg=Decimal(kg), now=NOW, **kw
    )


def test_receiving_every_claim_collects_the_lot_and_every_report_closes_it(uow, scene) -> None:
    first, second = claim(uow, scene), claim(uow, scene, 1)
    one = receive(uow, scene, first.claim_id, "96.4")
    assert (one.lot_status, one.gap_kg, one.anomaly) == ("claimed", Decimal("-3.600"), None)
    two = receive(uow, scene, second.claim_id, "104", 1)
    assert two.lot_status == "collected"
    report = report_outcomes(
        uow, by=scene.recyclers[0], reception_id=one.reception_id,
        lines={"reemploi": Decimal("90"), "recyclage": Decimal("6.4")}, now=NOW,
    )  # fmt: skip
    assert report.lot_status == "collected"
    lines = {"reemploi": Decimal("104")}
    closed = report_outcomes(
        uow, by=scene.recyclers[1], reception_id=two.reception_id, lines=lines, now=NOW
    )
    assert closed.lot_status == "closed"
    chain = log_chain(uow, scene)
    assert chain[-3:] == [
        ("claimed", "collected"),
        ("collected", "collected"),
        ("collected", "closed"),
    ]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(chain))


@pytest.mark.parametrize(
    ("kg", "flag"),
    [("100000", "too_large"), ("48000", "looks_like_grams"), ("450", "far_above_claimed")],
)
def test_an_implausible_weight_is_kept_and_flagged_never_refused(uow, scene, kg, flag) -> None:
    taken = claim(uow, scene, request=ClaimRequest(items=10))
    if flag == "too_large":
        with pytest.raises(ValidationFailed):
            receive(uow, scene, taken.claim_id, kg)
        return
    received = receive(uow, scene, taken.claim_id, kg)
    assert received.anomaly == flag
    with uow:
        assert uow.session.get_one(Reception, received.reception_id).anomaly == flag


@pytest.mark.parametrize(("kg", "code"), [("0", "not_positive"), ("-2", "not_positive"),
                                          ("1.0001", "too_precise")])  # fmt: skip
def test_a_refused_weighing_names_its_field_and_writes_nothing(uow, scene, kg, code) -> None:
    taken = claim(uow, scene)
    before = rows(uow)
    with pytest.raises(ValidationFailed) as refused:
        receive(uow, scene, taken.claim_id, kg)
    assert [(e.field, e.code) for e in refused.value.errors] == [("measured_kg", code)]
    assert rows(uow) == before


def test_nothing_collected_is_its_own_action_and_needs_a_reason(uow, scene) -> None:
    taken = claim(uow, scene, request=ClaimRequest())
    before = rows(uow)
    with pytest.raises(ValidationFailed) as refused:
        record_nothing_collected(
            uow, by=scene.recyclers[0], claim_id=taken.claim_id, reason="  ", now=NOW
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("reason", "required")]
    assert rows(uow) == before
    done = record_nothing_collected(
        uow, by=scene.recyclers[0], claim_id=taken.claim_id, reason="rained on", now=NOW
    )
    assert done.lot_status == "closed"  # nothing came in, so nothing is left to report
    assert events(uow, scene)[-1] == "NothingCollected"
    with uow:
        assert uow.session.get_one(Claim, taken.claim_id).status == "not_collected"


@pytest.fixture
def received(uow: UnitOfWork, scene: Scene) -> int:
    taken = claim(uow, scene, request=ClaimRequest())
    return receive(uow, scene, taken.claim_id, "190").reception_id


@pytest.mark.parametrize(
    ("lines", "field", "code"),
    [
        ({}, "lines", "required"),
        ({"revente": Decimal("10")}, "lines.revente", "unknown"),
        ({"reemploi": Decimal("0")}, "lines.reemploi", "not_positive"),
        ({"reemploi": Decimal("0.0001")}, "lines.reemploi", "too_precise"),
        ({"reemploi": Decimal("150"), "recyclage": Decimal("40.001")}, "lines", "exceeds_received"),
    ],
)
def test_refused_outcomes_name_their_field_and_write_nothing(
    uow, scene, received, lines, field, code
) -> None:
    before = rows(uow)
    with pytest.raises(ValidationFailed) as refused:
        report_outcomes(uow, by=scene.recyclers[0], reception_id=received, lines=lines, now=NOW)
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]
    assert rows(uow) == before


def test_a_correction_keeps_the_previous_lines_and_logs_who_and_why(uow, scene, received) -> None:
    recycler = scene.recyclers[0]
    lines = {"reemploi": Decimal("150"), "elimination": Decimal("40")}
    report_outcomes(uow, by=recycler, reception_id=received, lines=lines, now=NOW)
    with pytest.raises(Conflict, match="correct them"):
        report_outcomes(uow, by=recycler, reception_id=received, lines=lines, now=NOW)
    fixed = {"reemploi": Decimal("170"), "recyclage": Decimal("20")}
    later = NOW + timedelta(days=3)
    correct_outcomes(uow, by=recycler, reception_id=received, lines=fixed, reason="recount",
                     now=later)  # fmt: skip
    with uow:
        current = uow.session.execute(select(OutcomeLine.outcome_slug, OutcomeLine.kg)).all()
        history = uow.session.scalars(select(SupersededOutcome)).all()
        last = uow.session.scalars(
            select(StatusLogEntry).order_by(StatusLogEntry.id.desc())
        ).first()
    assert dict(current) == {"reemploi": Decimal("170.000"), "recyclage": Decimal("20.000")}
    assert {(h.outcome_slug, h.kg, h.reason, h.superseded_by_id) for h in history} == {
        ("reemploi", Decimal("150.000"), "recount", recycler),
        ("elimination", Decimal("40.000"), "recount", recycler),
    }
    assert last is not None
    assert (last.by_user_id, last.reason, last.to_status) == (
        recycler, "outcomes corrected: recount", "closed",
    )  # fmt: skip
    assert events(uow, scene)[-1] == "OutcomeCorrected"


def test_a_correction_after_its_window_or_without_a_reason_is_refused(uow, scene, received) -> None:
    recycler = scene.recyclers[0]
    lines = {"reemploi": Decimal("150")}
    report_outcomes(uow, by=recycler, reception_id=received, lines=lines, now=NOW)
    before = rows(uow)
    with pytest.raises(ValidationFailed):
        correct_outcomes(uow, by=recycler, reception_id=received, lines=lines, reason="",
                         now=NOW)  # fmt: skip
    with pytest.raises(Conflict, match="corrected until"):
        correct_outcomes(uow, by=recycler, reception_id=received, lines=lines, reason="late",
                         now=NOW + timedelta(days=31))  # fmt: skip
    short = timedelta(days=1)
    with pytest.raises(Conflict):
        correct_outcomes(uow, by=recycler, reception_id=received, lines=lines, reason="late",
                         now=NOW + timedelta(days=2), window=short)  # fmt: skip
    assert rows(uow) == before


def test_a_partly_claimed_lot_whose_parts_are_all_in_is_collected_at_its_deadline(
    uow, scene
) -> None:
    taken = claim(uow, scene)
    receive(uow, scene, taken.claim_id, "100")
    expire_lot(uow, lot_id=scene.lot, now=NOW + timedelta(days=7))
    lot = lot_of(uow, scene)
    assert (lot.status, lot.remaining_kg) == ("collected", Decimal("0.000"))
    assert log_chain(uow, scene)[-1] == ("partially_claimed", "collected")


def test_a_release_after_the_deadline_misses_the_kilograms_instead_of_re_offering(
    uow, scene
) -> None:
    first, second = claim(uow, scene), claim(uow, scene, 1, ClaimRequest(kg=Decimal("50")))
    late = NOW + timedelta(days=7, hours=1)
    expire_lot(uow, lot_id=scene.lot, now=late)
    receive(uow, scene, second.claim_id, "50", 1)
    released = release_claim(uow, by=scene.recyclers[0], claim_id=first.claim_id, now=late)
    lot = lot_of(uow, scene)
    assert (released.lot_status, lot.remaining_kg) == ("collected", Decimal("0.000"))
    assert log_chain(uow, scene)[-2:] == [
        ("claimed", "partially_claimed"), ("partially_claimed", "collected"),
    ]  # fmt: skip
