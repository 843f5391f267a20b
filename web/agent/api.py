"""Lots as JSON: agents declare and change them; agents, viewers and recyclers read them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from reuse.domain.lots import LotDraft, Photo
from reuse.domain.vocabulary import Role
from reuse.services.lot_queries import LotFilters, list_lots, lot_detail
from reuse.services.lots import cancel_lot, declare_lot, update_lot
from web.agent import schemas
from web.api import Blueprint
from web.auth.guard import protect
from web.auth.session import me
from web.context import runtime
from web.schemas import page_of

DEFAULT_HOLD = timedelta(days=7)

lots = Blueprint("lots", __name__, url_prefix="/api/lots", description="Lots and their timelines")
protect(lots, Role.AGENT, Role.TERRITORY_VIEWER, Role.RECYCLER)
agent_lots = Blueprint("agent_lots", __name__, url_prefix="/api/lots", description="Declaring lots")
protect(agent_lots, Role.AGENT)


@lots.route("", methods=["GET"])
@lots.arguments(schemas.LotQuery, location="query")
@lots.response(200, schemas.LotPage)
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """Lots I may see, newest first, filtered by status, site, subcategory or declaration date."""
    page, per_page = query.pop("page"), query.pop("per_page")
    items, total = list_lots(runtime().reading(), by=me().acting, filters=LotFilters(**query),
                             page=page, per_page=per_page)  # fmt: skip
    return page_of(items, total, page, per_page)


@lots.route("/<int:lot_id>", methods=["GET"])
@lots.response(200, schemas.LotDetailOut)
def detail(lot_id: int) -> Any:
    """A lot with its timeline (declared, offers sent to whom and why, claims…) and its offers."""
    return lot_detail(runtime().reading(), by=me().acting, lot_id=lot_id)


@agent_lots.route("", methods=["POST"])
@agent_lots.arguments(schemas.Declaration)
@agent_lots.response(201, schemas.Declared)
def declare(body: dict[str, Any]) -> Any:
    """Declare a lot at one of my sites; matching starts as soon as it is recorded."""
    site_id, subcategory = body.pop("site_id"), body.pop("subcategory")
    declared = declare_lot(runtime().uow(), by=me().acting, site_id=site_id,
                           subcategory=subcategory, draft=draft_of(body))  # fmt: skip
    return asdict(declared)


@agent_lots.route("/<int:lot_id>", methods=["PATCH"])
@agent_lots.arguments(schemas.LotChanges)
@agent_lots.response(200, schemas.Declared)
def change(changes: dict[str, Any], lot_id: int) -> Any:
    """Change a lot nobody has claimed yet; every rule is checked again."""
    return asdict(update_lot(runtime().uow(), by=me().acting, lot_id=lot_id, changes=changes))


@agent_lots.route("/<int:lot_id>/cancel", methods=["POST"])
@agent_lots.arguments(schemas.Cancellation)
@agent_lots.response(204)
def cancel(body: dict[str, str], lot_id: int) -> None:
    """Cancel a lot nobody has claimed; its open offers are withdrawn."""
    cancel_lot(runtime().uow(), by=me().acting, lot_id=lot_id, reason=body["reason"])


def draft_of(body: dict[str, Any]) -> LotDraft:
    """The declaration as the domain sees it, with default dates."""
    available = body.pop("available_from") or datetime.now(UTC)
    deadline = body.pop("deadline") or available + DEFAULT_HOLD
    photos = tuple(Photo(**p) for p in body.pop("photos"))
    return LotDraft(available_from=available, deadline=deadline, photos=photos, **body)
