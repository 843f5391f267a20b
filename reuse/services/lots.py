"""Use cases of a lot before anyone claims it: declare, update, cancel, unmatched, expire."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, select

from reuse.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from reuse.domain.events import LotCancelled, LotDeclared, LotExpired, LotUnmatched, LotUpdated
from reuse.domain.lifecycle import Step, expiry_step, is_editable
from reuse.domain.lots import LotDraft, Photo, SubcategoryFacts, accept_declaration
from reuse.domain.vocabulary import LotStatus
from reuse.models import Claim, Lot, Subcategory
from reuse.services.access import By, acting_user, lot_site_for_agent, site_for_agent
from reuse.services.lifecycle import log, move_lot
from reuse.services.settlement import has_active_claims, settle, withdraw_open_offers
from reuse.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class DeclaredLot:
    lot_id: int
    estimated_kg: str
    weight_is_estimate: bool
    weight_flag: str | None


def declare_lot(
    uow: UnitOfWork,
    *,
    by: By,
    site_id: int,
    subcategory: str,
    draft: LotDraft,
    now: datetime | None = None,
) -> DeclaredLot:
    """Declare a lot at an agent's site; it starts `declared` and LotDeclared goes to the outbox."""
    at = now or datetime.now(UTC)
    with uow:
        user = acting_user(uow.session, by)
        sub = _subcategory(uow, subcategory)
        site = site_for_agent(uow.session, user, site_id)
        weighed = accept_declaration(draft, _facts(sub), at)
        lot = Lot(
            site_id=site.id,
            subcategory_id=sub.id,
            declared_by_id=user.id,
            status=LotStatus.DECLARED,
            estimated_kg=weighed.estimated_kg,
            remaining_kg=weighed.estimated_kg,
            weight_is_estimate=weighed.weight_is_estimate,
            weight_flag=weighed.weight_flag,
            declared_at=at,
            updated_at=at,
            **_draft_columns(draft),
        )
        uow.session.add(lot)
        uow.session.flush()
        event = LotDeclared(lot.id, site.id, sub.slug, str(lot.estimated_kg))
        log(uow, lot, event, before=None, by=user.id, reason="declared", now=at)
        uow.commit()
        return DeclaredLot(lot.id, str(lot.estimated_kg), lot.weight_is_estimate, lot.weight_flag)


def update_lot(
    uow: UnitOfWork, *, by: By, lot_id: int, changes: dict[str, Any], now: datetime | None = None
) -> DeclaredLot:
    """Change a declaration while nobody has claimed any of it; every rule is checked again."""
    at = now or datetime.now(UTC)
    with uow:
        user = acting_user(uow.session, by)
        lot = _lot(uow, lot_id)
        lot_site_for_agent(uow.session, user, lot.site_id)
        _refuse_if_claimed(uow, lot)
        changed = _known_changes(changes)
        sub = _subcategory(uow, changes.get("subcategory", lot.subcategory.slug))
        draft = replace(_draft_of(lot), **{k: v for k, v in changes.items() if k != "subcategory"})
        weighed = accept_declaration(draft, _facts(sub), at)
        for column, value in _draft_columns(draft).items():
            setattr(lot, column, value)
        lot.subcategory_id, lot.estimated_kg = sub.id, weighed.estimated_kg
        lot.remaining_kg, lot.weight_is_estimate = weighed.estimated_kg, weighed.weight_is_estimate
        lot.weight_flag, lot.updated_at = weighed.weight_flag, at
        log(
            uow,
            lot,
            LotUpdated(lot.id, changed),
            before=lot.status,
            by=user.id,
            reason="updated",
            now=at,
        )
        uow.commit()
        return DeclaredLot(lot.id, str(lot.estimated_kg), lot.weight_is_estimate, lot.weight_flag)


def cancel_lot(
    uow: UnitOfWork, *, by: By, lot_id: int, reason: str, now: datetime | None = None
) -> None:
    """Cancel a lot nobody has claimed; its open offers are withdrawn."""
    at = now or datetime.now(UTC)
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "required", "say why the lot is cancelled")])
    with uow:
        user = acting_user(uow.session, by)
        lot = _lot(uow, lot_id)
        lot_site_for_agent(uow.session, user, lot.site_id)
        move_lot(
            uow, lot, Step.CANCEL, LotCancelled(lot.id, reason), by=user.id, reason=reason, now=at
        )
        withdraw_open_offers(uow, lot.id, at)
        uow.commit()


def mark_unmatched(
    uow: UnitOfWork, *, lot_id: int, reason: str, now: datetime | None = None
) -> None:
    """Record that no eligible actor was found, so the agent is told to route the lot elsewhere."""
    at = now or datetime.now(UTC)
    with uow:
        mark_lot_unmatched(uow, _lot(uow, lot_id), reason, at)
        uow.commit()


def mark_lot_unmatched(uow: UnitOfWork, lot: Lot, reason: str, at: datetime) -> None:
    """Move an already loaded lot to `unmatched` inside the caller's unit of work."""
    event = LotUnmatched(lot.id, reason)
    move_lot(uow, lot, Step.FIND_NO_MATCH, event, by=None, reason=reason, now=at)


def expire_lot(uow: UnitOfWork, *, lot_id: int, now: datetime | None = None) -> None:
    """Close a lot whose deadline has passed: unclaimed kg are missed, open offers withdrawn."""
    at = now or datetime.now(UTC)
    with uow:
        lot = _lot(uow, lot_id)
        if at < lot.deadline:
            raise Conflict(f"lot {lot_id} is available until {lot.deadline.isoformat()}")
        step = expiry_step(
            LotStatus(lot.status), active_claims=has_active_claims(uow.session, lot.id)
        )
        event = LotExpired(lot.id, str(lot.remaining_kg))
        settle(uow, lot, event, first=step, by=None, reason="deadline passed", now=at)
        uow.commit()


def _lot(uow: UnitOfWork, lot_id: int) -> Lot:
    lot = uow.session.get(Lot, lot_id, with_for_update=True)
    if lot is None:
        raise NotFound(f"no lot {lot_id}")
    return lot


EDITABLE_FIELDS = frozenset({*LotDraft.__dataclass_fields__, "subcategory"})


def _known_changes(changes: dict[str, Any]) -> tuple[str, ...]:
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            [FieldError(name, "unknown_field", "cannot be changed") for name in unknown]
        )
    return tuple(sorted(changes))


def _subcategory(uow: UnitOfWork, slug: str) -> Subcategory:
    sub = uow.session.scalar(select(Subcategory).where(Subcategory.slug == slug))
    if sub is None:
        raise ValidationFailed([FieldError("subcategory", "unknown", f"no subcategory {slug!r}")])
    return sub


def _facts(sub: Subcategory) -> SubcategoryFacts:
    return SubcategoryFacts(sub.slug, sub.reusable, sub.unit_kg, sub.min_item_kg, sub.max_item_kg)


def _refuse_if_claimed(uow: UnitOfWork, lot: Lot) -> None:
    claimed = uow.session.scalar(select(exists().where(Claim.lot_id == lot.id)))
    if claimed or not is_editable(LotStatus(lot.status)):
        raise Conflict(
            f"lot {lot.id} is {lot.status} and has been claimed: it can no longer change"
        )


def _draft_columns(draft: LotDraft) -> dict[str, Any]:
    photos = [
        {"filename": p.filename, "content_type": p.content_type, "size_bytes": p.size_bytes}
        for p in draft.photos
    ]
    return {
        "condition": draft.condition,
        "item_count": draft.item_count,
        "description": draft.description,
        "available_from": draft.available_from,
        "deadline": draft.deadline,
        "photos": photos,
    }


def _draft_of(lot: Lot) -> LotDraft:
    return LotDraft(
        condition=lot.condition,
        available_from=lot.available_from,
        deadline=lot.deadline,
        estimated_kg=None if lot.weight_is_estimate else lot.estimated_kg,
        item_count=lot.item_count,
        description=lot.description,
        photos=tuple(Photo(**p) for p in lot.photos),
    )


EXPIRABLE = (
    LotStatus.DECLARED,
    LotStatus.UNMATCHED,
    LotStatus.OFFERED,
    LotStatus.PARTIALLY_CLAIMED,
)


def lots_past_deadline(
    uow: UnitOfWork, *, now: datetime | None = None, limit: int = 500
) -> list[int]:
    """Ids of lots whose deadline has passed and that still wait for takers."""
    at = now or datetime.now(UTC)
    with uow:
        query = (
            select(Lot.id)
            .where(Lot.deadline <= at, Lot.status.in_([s.value for s in EXPIRABLE]))
            .order_by(Lot.deadline)
            .limit(limit)
        )
        return list(uow.session.scalars(query))
