"""Declare, update, cancel, unmatched and expire, through the use cases on a real database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from reuse.domain.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from reuse.domain.vocabulary import Role
from reuse.models import Lot, OutboxMessage, StatusLogEntry
from reuse.services.lots import cancel_lot, declare_lot, expire_lot, mark_unmatched, update_lot
from reuse.unit_of_work import UnitOfWork

from builders import NOW, a_draft, a_site, a_territory, a_user, an_agent_of


def rows(uow: UnitOfWork) -> tuple[int, int, int]:
    with uow:
        count = lambda model: uow.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        return count(Lot), count(StatusLogEntry), count(OutboxMessage)


@pytest.fixture
def agent_and_site(uow: UnitOfWork):  # type: ignore[no-untyped-def]
    with uow:
        site = a_site(uow.session)
        agent = an_agent_of(uow.session, site)
        uow.commit()
        return agent.id, site.id


def declare(uow: UnitOfWork, agent_and_site: tuple[int, int], **overrides):  # type: ignore[no-untyped-def]
    agent, site = agent_and_site
    return declare_lot(
        uow,
        by=agent,
        site_id=site,
        subcategory=overrides.pop("subcategory", "mobilier.canape"),
        draft=a_draft(**overrides),
        now=NOW,
    )


def test_declaring_a_lot_writes_the_lot_its_log_row_and_one_event_together(
    uow, agent_and_site
) -> None:
    declared = declare(uow, agent_and_site)
    with uow:
        lot = uow.session.get(Lot, declared.lot_id)
        assert (lot.status, lot.estimated_kg, lot.remaining_kg) == (
            "declared",
            Decimal("40.000"),
            Decimal("40.000"),
        )
        log = uow.session.scalars(
            select(StatusLogEntry).where(StatusLogEntry.lot_id == lot.id)
        ).all()
        events = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.lot_id == lot.id)
        ).all()
    assert [(e.from_status, e.to_status, e.by_user_id) for e in log] == [
        (None, "declared", agent_and_site[0])
    ]
    assert [(e.name, e.sent_at, e.payload["estimated_kg"]) for e in events] == [
        ("LotDeclared", None, "40.000")
    ]
    assert log[0].event_id == events[0].event_id


def test_a_count_alone_is_weighed_from_the_unit_weight(uow, agent_and_site) -> None:
    declared = declare(
        uow, agent_and_site, subcategory="mobilier.assise", estimated_kg=None, item_count=40
    )
    assert declared.weight_is_estimate
    assert Decimal(declared.estimated_kg) > 0


def test_a_smartphone_lot_of_forty_kilograms_is_accepted_but_flagged(uow, agent_and_site) -> None:
    declared = declare(
        uow,
        agent_and_site,
        subcategory="informatique_image_son.telephone_tablette",
        estimated_kg=Decimal("40"),
        item_count=1,
    )
    assert declared.weight_flag == "heavier_than_plausible"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subcategory": "mobilier.licorne"}, "subcategory"),
        ({"estimated_kg": Decimal("0")}, "estimated_kg"),
        ({"deadline": NOW - timedelta(hours=1)}, "deadline"),
        ({"condition": "cassé"}, "condition"),
    ],
)
def test_a_refused_declaration_names_its_field_and_writes_nothing(
    uow, agent_and_site, overrides, field
) -> None:
    before = rows(uow)
    with pytest.raises(ValidationFailed) as refused:
        declare(uow, agent_and_site, **overrides)
    assert [e.field for e in refused.value.errors] == [field]
    assert rows(uow) == before


def test_an_agent_cannot_declare_at_a_site_of_another_territory(uow, agent_and_site) -> None:
    with uow:
        elsewhere = a_site(uow.session, a_territory(uow.session)).id
        uow.commit()
    before = rows(uow)
    with pytest.raises(ValidationFailed) as refused:
        declare(uow, (agent_and_site[0], elsewhere))
    assert [(e.field, e.code) for e in refused.value.errors] == [("site_id", "not_your_territory")]
    assert rows(uow) == before


def test_an_agent_bound_to_one_site_cannot_declare_at_its_neighbour(uow) -> None:
    with uow:
        site = a_site(uow.session)
        neighbour = a_site(uow.session, site.territory)
        agent = a_user(uow.session, Role.AGENT, territory_id=site.territory_id, site_id=site.id)
        ids = agent.id, neighbour.id
        uow.commit()
    with pytest.raises(ValidationFailed):
        declare(uow, ids)


def test_an_update_before_any_claim_checks_every_rule_again_and_logs_it(
    uow, agent_and_site
) -> None:
    declared = declare(uow, agent_and_site)
    updated = update_lot(
        uow,
        by=agent_and_site[0],
        lot_id=declared.lot_id,
        changes={"estimated_kg": Decimal("55.5"), "description": "Deux canapés"},
        now=NOW,
    )
    assert updated.estimated_kg == "55.500"
    with uow:
        lot = uow.session.get(Lot, declared.lot_id)
        names = uow.session.scalars(
            select(OutboxMessage.name)
            .where(OutboxMessage.lot_id == lot.id)
            .order_by(OutboxMessage.id)
        ).all()
        assert (lot.remaining_kg, lot.description, names) == (
            Decimal("55.500"),
            "Deux canapés",
            ["LotDeclared", "LotUpdated"],
        )


def test_an_update_with_a_bad_value_changes_nothing(uow, agent_and_site) -> None:
    declared = declare(uow, agent_and_site)
    before = rows(uow)
    with pytest.raises(ValidationFailed):
        update_lot(
            uow,
            by=agent_and_site[0],
            lot_id=declared.lot_id,
            changes={"estimated_kg": Decimal("-1")},
            now=NOW,
        )
    with pytest.raises(ValidationFailed) as refused:
        update_lot(
            uow, by=agent_and_site[0], lot_id=declared.lot_id, changes={"status": "closed"}, now=NOW
        )
    assert refused.value.errors[0].code == "unknown_field"
    assert rows(uow) == before


def test_cancelling_needs_a_reason_and_ends_the_lot(uow, agent_and_site) -> None:
    declared = declare(uow, agent_and_site)
    with pytest.raises(ValidationFailed):
        cancel_lot(uow, by=agent_and_site[0], lot_id=declared.lot_id, reason=" ", now=NOW)
    cancel_lot(
        uow, by=agent_and_site[0], lot_id=declared.lot_id, reason="déposé par erreur", now=NOW
    )
    with uow:
        assert uow.session.get(Lot, declared.lot_id).status == "cancelled"
    with pytest.raises(InvalidTransition):
        cancel_lot(uow, by=agent_and_site[0], lot_id=declared.lot_id, reason="encore", now=NOW)


def test_a_lot_of_another_territory_is_not_found_for_an_agent(uow, agent_and_site) -> None:
    declared = declare(uow, agent_and_site)
    with uow:
        stranger = an_agent_of(uow.session, a_site(uow.session)).id
        uow.commit()
    with pytest.raises(NotFound):
        cancel_lot(uow, by=stranger, lot_id=declared.lot_id, reason="pas à moi", now=NOW)


def test_a_lot_nobody_can_take_becomes_unmatched_and_the_event_says_why(
    uow, agent_and_site
) -> None:
    declared = declare(uow, agent_and_site)
    mark_unmatched(uow, lot_id=declared.lot_id, reason="no eligible actor", now=NOW)
    with uow:
        event = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.name == "LotUnmatched")
        ).one()
        assert (uow.session.get(Lot, declared.lot_id).status, event.payload["reason"]) == (
            "unmatched",
            "no eligible actor",
        )


def test_expiry_before_the_deadline_is_refused_and_after_it_counts_the_missed_kilograms(
    uow, agent_and_site
) -> None:
    declared = declare(uow, agent_and_site)
    with pytest.raises(Conflict):
        expire_lot(uow, lot_id=declared.lot_id, now=NOW + timedelta(days=6))
    expire_lot(uow, lot_id=declared.lot_id, now=NOW + timedelta(days=7))
    with uow:
        lot = uow.session.get(Lot, declared.lot_id)
        event = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.name == "LotExpired")
        ).one()
        assert (lot.status, lot.remaining_kg, event.payload["missed_kg"]) == (
            "expired",
            Decimal("0.000"),
            "40.000",
        )


def test_an_illegal_step_is_refused_and_writes_nothing(uow, agent_and_site) -> None:
    declared = declare(uow, agent_and_site)
    expire_lot(uow, lot_id=declared.lot_id, now=NOW + timedelta(days=8))
    before = rows(uow)
    with pytest.raises(InvalidTransition):
        mark_unmatched(uow, lot_id=declared.lot_id, reason="late", now=NOW + timedelta(days=9))
    with pytest.raises(InvalidTransition):
        expire_lot(uow, lot_id=declared.lot_id, now=NOW + timedelta(days=9))
    assert rows(uow) == before
