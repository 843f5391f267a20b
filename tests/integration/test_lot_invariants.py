"""Random sequences of everything that can happen to lots, with the invariants checked after every step."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select, update

from reuse.domain.claims import ClaimRequest
from reuse.domain.errors import Conflict, DomainError, InvalidTransition
from reuse.domain.lifecycle import TRANSITIONS
from reuse.domain.quantities import kg
from reuse.models import (
    Actor,
    ActorWeek,
    Claim,
    Lot,
    Offer,
    Reception,
    StatusLogEntry,
)
from reuse.services.actor_directory import ActorDirectory
from reuse.services.claims import claim_offer, record_no_show, release_claim
from reuse.services.lots import cancel_lot, declare_lot, expire_lot
from reuse.services.matching import match_lot
from reuse.services.receptions import receive_claim, record_nothing_collected, report_outcomes
from reuse.unit_of_work import UnitOfWork

from builders import NOW, a_draft, a_recycler_of, a_site, an_actor, an_agent_of

COUNTED = ("active", "received", "not_collected")
DEAD = ("expired", "cancelled")
EXPIRABLE = ("declared", "unmatched", "offered", "partially_claimed")
MOVES = {(before, after) for (before, _), after in TRANSITIONS.items()}
pick = st.integers(min_value=0, max_value=10_000)


class LotMachine(RuleBasedStateMachine):
    """One site, its agent and three actors with small weekly capacities; lots come and go."""

    uow: UnitOfWork

    def __init__(self) -> None:
        super().__init__()
        self.clock: datetime = NOW
        self.lots: list[int] = []
        self.claims: list[int] = []
        self.receptions: list[int] = []
        self.directory = ActorDirectory()

    @initialize(capacity=st.sampled_from([60, 150, 400]))
    def a_site_with_three_actors(self, capacity: int) -> None:
        with self.uow as uow:
            site = a_site(uow.session, opening_weekdays=[1, 2, 3, 4, 5, 6, 7])
            site.territory.wave_size = 3
            actors = [
                an_actor(
                    uow.session,
                    {"mobilier.assise": ["as_is"]},
                    weekly_capacity_kg=Decimal(capacity),
                )
                for _ in range(3)
            ]
            self.recyclers = {a.id: a_recycler_of(uow.session, a).id for a in actors}
            self.agent, self.site = an_agent_of(uow.session, site).id, site.id
            uow.commit()

    def teardown(self) -> None:
        """Retire this run's actors so the next run's waves do not reach them."""
        with self.uow as uow:
            ours = Actor.id.in_(list(getattr(self, "recyclers", {})))
            uow.session.execute(update(Actor).where(ours).values(active=False))
            uow.commit()

    def attempt(self, action: Any, *refusals: type[DomainError]) -> Any:
        """Run a use case; the refusals it may meet are the domain's, nothing else."""
        allowed = refusals or (DomainError,)
        try:
            return action()
        except allowed:
            return None

    @rule(weight=st.integers(5, 150), items=st.integers(1, 12), matched=st.booleans())
    def declare(self, weight: int, items: int, matched: bool) -> None:
        draft = a_draft(
            available_from=self.clock,
            deadline=self.clock + timedelta(days=7),
            estimated_kg=Decimal(weight),
            item_count=items,
        )
        declared = declare_lot(
            self.uow,
            by=self.agent,
            site_id=self.site,
            subcategory="mobilier.assise",
            draft=draft,
            now=self.clock,
        )
        self.lots.append(declared.lot_id)
        if matched:
            match_lot(self.uow, self.directory, lot_id=declared.lot_id, now=self.clock)

    @precondition(lambda self: self.lots)
    @rule(n=pick)
    def match(self, n: int) -> None:
        match_lot(self.uow, self.directory, lot_id=self.lots[n % len(self.lots)], now=self.clock)

    def offers(self, claimable: bool) -> list[tuple[int, int, Decimal, int]]:
        """(offer, actor, lot kg, lot items) of this run's lots; only lots still open if asked."""
        query = select(Offer.id, Offer.actor_id, Lot.estimated_kg, Lot.item_count).join(Lot)
        query = query.where(Lot.id.in_(self.lots), Offer.actor_id.in_(list(self.recyclers)))
        if claimable:
            query = query.where(
                Lot.status.in_(["offered", "partially_claimed"]), Lot.deadline > self.clock
            )
        with self.uow as uow:
            return [tuple(row) for row in uow.session.execute(query.order_by(Offer.id))]  # type: ignore[misc]

    @precondition(lambda self: self.lots)
    @rule(
        n=pick,
        kind=st.sampled_from(["all", "share", "share", "items"]),
        amount=st.integers(1, 100),
        anywhere=st.integers(0, 5),
    )
    def claim(self, n: int, kind: str, amount: int, anywhere: int) -> None:
        offers = self.offers(claimable=anywhere > 0) or self.offers(claimable=False)
        if not offers:
            return
        offer_id, actor_id, weight, items = offers[n % len(offers)]
        request = {
            "all": ClaimRequest(),
            "share": ClaimRequest(kg=max(kg(weight * amount / 100), Decimal("0.001"))),
            "items": ClaimRequest(items=1 + amount % items),
        }[kind]
        made = self.attempt(
            lambda: claim_offer(
                self.uow,
                by=self.recyclers[actor_id],
                offer_id=offer_id,
                request=request,
                now=self.clock,
            )
        )
        if made is not None:
            self.claims.append(made.claim_id)

    def a_claim(self, n: int, anywhere: int) -> Claim:
        """Mostly an active claim (where things happen), sometimes any (to meet the refusals)."""
        query = select(Claim).where(Claim.id.in_(self.claims)).order_by(Claim.id)
        with self.uow as uow:
            active = uow.session.scalars(query.where(Claim.status == "active")).all()
            found = (active if anywhere else []) or uow.session.scalars(query).all()
            return found[n % len(found)]

    @precondition(lambda self: self.claims)
    @rule(n=pick, anywhere=st.integers(0, 5))
    def release(self, n: int, anywhere: int) -> None:
        claim = self.a_claim(n, anywhere)
        self.attempt(
            lambda: release_claim(
                self.uow, by=self.recyclers[claim.actor_id], claim_id=claim.id, now=self.clock
            ),
            Conflict,
        )

    @precondition(lambda self: self.claims)
    @rule(n=pick, anywhere=st.integers(0, 5))
    def no_show(self, n: int, anywhere: int) -> None:
        claim = self.a_claim(n, anywhere)
        self.attempt(
            lambda: record_no_show(self.uow, by=self.agent, claim_id=claim.id, now=self.clock),
            Conflict,
        )

    @precondition(lambda self: self.claims)
    @rule(
        n=pick,
        ratio=st.sampled_from(["0.5", "0.97", "1", "1.2"]),
        nothing=st.integers(0, 4),
        anywhere=st.integers(0, 5),
    )
    def receive(self, n: int, ratio: str, nothing: int, anywhere: int) -> None:
        claim = self.a_claim(n, anywhere)
        by = self.recyclers[claim.actor_id]
        if not nothing:
            self.attempt(
                lambda: record_nothing_collected(
                    self.uow, by=by, claim_id=claim.id, reason="empty", now=self.clock
                ),
                Conflict,
            )
            return
        measured = max(kg(claim.kg * Decimal(ratio)), Decimal("0.001"))
        got = self.attempt(
            lambda: receive_claim(
                self.uow, by=by, claim_id=claim.id, measured_kg=measured, now=self.clock
            ),
            Conflict,
        )
        if got is not None:
            self.receptions.append(got.reception_id)

    @precondition(lambda self: self.receptions)
    @rule(n=pick, share=st.sampled_from(["0.3", "0.9", "1"]), anywhere=st.integers(0, 5))
    def report(self, n: int, share: str, anywhere: int) -> None:
        query = select(Reception).where(Reception.id.in_(self.receptions)).order_by(Reception.id)
        with self.uow as uow:
            unreported = uow.session.scalars(query.where(~Reception.outcome_lines.any())).all()
            found = (unreported if anywhere else []) or uow.session.scalars(query).all()
            reception = found[n % len(found)]
            by, measured = self.recyclers[reception.claim.actor_id], reception.measured_kg
        reused = max(kg(measured * Decimal(share)), Decimal("0.001"))
        lines = {"reemploi": reused} | (
            {"recyclage": measured - reused} if measured > reused else {}
        )
        self.attempt(
            lambda: report_outcomes(
                self.uow, by=by, reception_id=reception.id, lines=lines, now=self.clock
            ),
            Conflict,
        )

    @precondition(lambda self: self.lots)
    @rule(n=pick, anywhere=st.integers(0, 5))
    def expire(self, n: int, anywhere: int) -> None:
        """The next deadline comes (time moves to it), sometimes any lot's (to meet refusals)."""
        query = select(Lot.id, Lot.deadline).where(Lot.id.in_(self.lots)).order_by(Lot.deadline)
        with self.uow as uow:
            waiting = uow.session.execute(query.where(Lot.status.in_(EXPIRABLE))).first()
            lot_id, deadline = (waiting if anywhere else None) or uow.session.execute(query).all()[
                n % len(self.lots)
            ]
        self.clock = max(self.clock, deadline)
        self.attempt(lambda: expire_lot(self.uow, lot_id=lot_id, now=self.clock), InvalidTransition)

    @precondition(lambda self: self.lots)
    @rule(n=pick, now=st.integers(0, 3))
    def cancel(self, n: int, now: int) -> None:
        if now:  # agents rarely cancel
            return
        lot_id = self.lots[n % len(self.lots)]
        self.attempt(
            lambda: cancel_lot(
                self.uow, by=self.agent, lot_id=lot_id, reason="broken", now=self.clock
            ),
            InvalidTransition,
        )

    @rule(hours=st.integers(1, 30))
    def time_passes(self, hours: int) -> None:
        self.clock += timedelta(hours=hours)

    @invariant()
    def claimed_kilograms_stay_within_each_lot_and_each_week(self) -> None:
        with self.uow as uow:
            lots = uow.session.scalars(select(Lot).where(Lot.id.in_(self.lots))).all()
            claims = uow.session.scalars(select(Claim).where(Claim.lot_id.in_(self.lots))).all()
            weeks = {
                (w.actor_id, w.week_start): w.claimed_kg
                for w in uow.session.scalars(
                    select(ActorWeek).where(ActorWeek.actor_id.in_(list(self.recyclers)))
                )
            }
            capacity = uow.session.get_one(Actor, next(iter(self.recyclers))).weekly_capacity_kg
            missed = set(
                uow.session.scalars(
                    select(StatusLogEntry.lot_id).where(
                        StatusLogEntry.lot_id.in_(self.lots),
                        StatusLogEntry.reason.like("deadline passed%"),
                    )
                )
            )
        status = {lot.id: lot.status for lot in lots}
        assert not [c for c in claims if c.status == "active" and status[c.lot_id] in DEAD]
        per_lot: dict[int, Decimal] = defaultdict(Decimal)
        per_week: dict[Any, Decimal] = defaultdict(Decimal)
        for claim in claims:
            if claim.status in COUNTED:
                per_lot[claim.lot_id] += claim.kg
                per_week[(claim.actor_id, claim.week_start)] += claim.kg
        for lot in lots:
            assert Decimal(0) <= lot.remaining_kg <= lot.estimated_kg
            assert Decimal(0) <= per_lot[lot.id] <= lot.estimated_kg
            assert lot.id in missed or per_lot[lot.id] + lot.remaining_kg == lot.estimated_kg
        for key, claimed in weeks.items():
            assert claimed == per_week[key] <= capacity

    @invariant()
    def outcomes_never_exceed_what_was_received(self) -> None:
        with self.uow as uow:
            for reception in uow.session.scalars(
                select(Reception).where(Reception.id.in_(self.receptions))
            ):
                reported = sum((line.kg for line in reception.outcome_lines), Decimal(0))
                assert reported <= reception.measured_kg

    @invariant()
    def the_status_log_explains_every_lot(self) -> None:
        with self.uow as uow:
            for lot in uow.session.scalars(select(Lot).where(Lot.id.in_(self.lots))):
                rows = [(r.from_status, r.to_status) for r in lot.status_log]
                assert rows[0] == (None, "declared")
                assert rows[-1][1] == lot.status
                for (_, to), (before, after) in pairwise(rows):
                    assert to == before
                    assert before == after or (before, after) in MOVES


def test_lot_invariants_hold_after_every_step(uow: UnitOfWork) -> None:
    LotMachine.uow = uow
    run_state_machine_as_test(
        LotMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
