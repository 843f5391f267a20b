"""Offers, claims, receptions, notifications and actor settings as JSON: the claim chain."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from flask import request

from reuse.domain.claims import ClaimRequest
from reuse.domain.vocabulary import Role
from reuse.services.actor_impact import impact_of_actor
from reuse.services.claim_queries import ClaimFilters, claim_detail, list_claims, reception_detail
from reuse.services.claims import book_pickup, claim_offer, record_no_show, release_claim
from reuse.services.notification_settings import (
    SettingsChange,
    change_notification_settings,
    notification_settings,
    send_test_delivery,
    webhook_log,
)
from reuse.services.offer_queries import list_offers, offer_detail
from reuse.services.personal_inbox import my_notifications, read_notification
from reuse.services.receptions import correct_outcomes, record_nothing_collected, report_outcomes
from reuse.services.weighing import receive_confirmed
from web.api import Blueprint
from web.auth.guard import protect
from web.auth.session import me
from web.context import runtime
from web.idempotency import HEADER
from web.recycler import schemas
from web.schemas import PageQuery, page_of

offers = Blueprint("offers", __name__, url_prefix="/api/offers", description="My actor's offers")
protect(offers, Role.RECYCLER)
claims = Blueprint("claims", __name__, url_prefix="/api/claims", description="Claims and pickups")
protect(claims, Role.RECYCLER, Role.AGENT)
claim_steps = Blueprint(
    "claim_steps", __name__, url_prefix="/api/claims", description="Pickup, release, weighing"
)
protect(claim_steps, Role.RECYCLER)
no_shows = Blueprint("no_shows", __name__, url_prefix="/api/claims", description="No-shows")
protect(no_shows, Role.AGENT)
receptions = Blueprint(
    "receptions", __name__, url_prefix="/api/receptions", description="Receptions and outcomes"
)
protect(receptions, Role.RECYCLER, Role.AGENT)
outcomes = Blueprint("outcomes", __name__, url_prefix="/api/receptions", description="Outcomes")
protect(outcomes, Role.RECYCLER)
notifications = Blueprint(
    "notifications", __name__, url_prefix="/api/notifications", description="My in-app list"
)
protect(notifications)
actors = Blueprint(
    "actor_settings", __name__, url_prefix="/api/actors", description="Notifications and impact"
)
protect(actors, Role.RECYCLER)
BLUEPRINTS = (offers, claims, claim_steps, no_shows, receptions, outcomes, notifications, actors)


@offers.route("", methods=["GET"])
@offers.arguments(schemas.OfferQuery, location="query")
@offers.response(200, schemas.OfferPage)
def list_my_offers(query: dict[str, Any]) -> dict[str, Any]:
    """My actor's offers, newest first, with distance, score, reasons and the lot offered."""
    found, total = list_offers(runtime().reading(), by=me().acting, **query)
    return page_of(found, total, query["page"], query["per_page"])


@offers.route("/<int:offer_id>", methods=["GET"])
@offers.response(200, schemas.OfferOut)
def offer(offer_id: int) -> Any:
    """One of my actor's offers."""
    return offer_detail(runtime().reading(), by=me().acting, offer_id=offer_id)


@offers.route("/<int:offer_id>/claims", methods=["POST"])
@offers.arguments(schemas.ClaimIn)
@offers.response(201, schemas.ClaimResultOut)
@offers.alt_response(409, description="Taken meanwhile: the problem says what is left")
def claim(body: dict[str, Any], offer_id: int) -> Any:
    """Claim all that is left (empty body), or a part in kg or items."""
    claimed = claim_offer(runtime().uow(), by=me().acting, offer_id=offer_id,
                          request=ClaimRequest(**body),
                          idempotency_key=request.headers.get(HEADER))  # fmt: skip
    return asdict(claimed)


@claims.route("", methods=["GET"])
@claims.arguments(schemas.ClaimQuery, location="query")
@claims.response(200, schemas.ClaimPage)
def list_my_claims(query: dict[str, Any]) -> dict[str, Any]:
    """My actor's claims, or who comes when to my sites, by pickup time (unbooked last)."""
    page, per_page = query.pop("page"), query.pop("per_page")
    found, total = list_claims(runtime().uow(), by=me().acting, filters=ClaimFilters(**query),
                               page=page, per_page=per_page)  # fmt: skip
    return page_of(found, total, page, per_page)


@claims.route("/<int:claim_id>", methods=["GET"])
@claims.response(200, schemas.ClaimOut)
def claim_of(claim_id: int) -> Any:
    """One claim I may read."""
    return claim_detail(runtime().reading(), by=me().acting, claim_id=claim_id)


@claim_steps.route("/<int:claim_id>/pickup", methods=["POST"])
@claim_steps.arguments(schemas.PickupIn)
@claim_steps.response(200, schemas.ClaimResultOut)
def pickup(body: dict[str, Any], claim_id: int) -> Any:
    """Book or move the pickup, on a day the site is open and before the deadline."""
    booked = book_pickup(runtime().uow(), by=me().acting, claim_id=claim_id, **body)
    return asdict(booked)


@claim_steps.route("/<int:claim_id>/release", methods=["POST"])
@claim_steps.arguments(schemas.ReleaseIn)
@claim_steps.response(200, schemas.ClaimResultOut)
def release(body: dict[str, Any], claim_id: int) -> Any:
    """Give the claim up: its kilograms go back on offer."""
    return asdict(release_claim(runtime().uow(), by=me().acting, claim_id=claim_id, **body))


@no_shows.route("/<int:claim_id>/no-show", methods=["POST"])
@no_shows.response(200, schemas.ClaimResultOut)
def no_show(claim_id: int) -> Any:
    """Nobody came for the booked pickup at my site: the kilograms go back on offer."""
    return asdict(record_no_show(runtime().uow(), by=me().acting, claim_id=claim_id))


@claim_steps.route("/<int:claim_id>/reception", methods=["POST"])
@claim_steps.arguments(schemas.ReceptionIn)
@claim_steps.response(201, schemas.ReceptionResultOut)
def reception(body: dict[str, Any], claim_id: int) -> Any:
    """Record the weighed kilograms; an implausible weight needs confirm_anomaly: true."""
    received = receive_confirmed(runtime().uow(), by=me().acting, claim_id=claim_id,
                                 measured_kg=body["measured_kg"], note=body["note"],
                                 confirmed=body["confirm_anomaly"])  # fmt: skip
    return asdict(received)


@claim_steps.route("/<int:claim_id>/nothing-collected", methods=["POST"])
@claim_steps.arguments(schemas.NothingCollectedIn)
@claim_steps.response(200, schemas.NothingCollectedOut)
def nothing_collected(body: dict[str, str], claim_id: int) -> Any:
    """The pickup brought nothing in: say why."""
    return record_nothing_collected(runtime().uow(), by=me().acting, claim_id=claim_id,
                                    reason=body["reason"])  # fmt: skip


@outcomes.route("/<int:reception_id>/outcomes", methods=["POST"])
@outcomes.arguments(schemas.OutcomesIn)
@outcomes.response(200, schemas.OutcomeResultOut)
def report(body: dict[str, Any], reception_id: int) -> Any:
    """Say what became of the received kg; with correction_reason, replace what was said."""
    lines: dict[str, Decimal] = body["lines"]
    if "correction_reason" in body:
        return correct_outcomes(runtime().uow(), by=me().acting, reception_id=reception_id,
                                lines=lines, reason=body["correction_reason"])  # fmt: skip
    return report_outcomes(runtime().uow(), by=me().acting, reception_id=reception_id, lines=lines)


@receptions.route("/<int:reception_id>", methods=["GET"])
@receptions.response(200, schemas.ReceptionOut)
def reception_of(reception_id: int) -> Any:
    """A reception with its outcomes and their corrections."""
    return reception_detail(runtime().reading(), by=me().acting, reception_id=reception_id)


@notifications.route("", methods=["GET"])
@notifications.arguments(schemas.NotificationQuery, location="query")
@notifications.response(200, schemas.NotificationOut(many=True))
def my_list(query: dict[str, Any]) -> Any:
    """My newest notifications and my actor's."""
    return my_notifications(runtime().reading(), by=me().acting, **query)


@notifications.route("/<int:notification_id>/read", methods=["POST"])
@notifications.response(204)
def read(notification_id: int) -> None:
    """Mark one of my notifications read."""
    read_notification(runtime().uow(), by=me().acting, notification_id=notification_id)


@actors.route("/<int:actor_id>/notification-settings", methods=["GET"])
@actors.response(200, schemas.SettingsOut)
def settings(actor_id: int) -> Any:
    """How my actor hears about offers."""
    return notification_settings(runtime().reading(), by=me().acting, actor_id=actor_id)


@actors.route("/<int:actor_id>/notification-settings", methods=["PUT"])
@actors.arguments(schemas.SettingsIn)
@actors.response(200, schemas.SettingsOut)
def change_settings(body: dict[str, Any], actor_id: int) -> Any:
    """Replace the settings; a new webhook secret is shown in this answer only."""
    return change_notification_settings(runtime().uow(), by=me().acting, actor_id=actor_id,
                                        change=SettingsChange(**body))  # fmt: skip


@actors.route("/<int:actor_id>/webhook/test", methods=["POST"])
@actors.response(200, schemas.DeliveryOut)
def test_delivery(actor_id: int) -> Any:
    """Post a signed test event to my webhook now and say how it answered."""
    return send_test_delivery(
        runtime().uow(), by=me().acting, actor_id=actor_id, post=runtime().webhook_post
    )


@actors.route("/<int:actor_id>/webhook/deliveries", methods=["GET"])
@actors.arguments(PageQuery, location="query")
@actors.response(200, schemas.DeliveryPage)
def deliveries(query: dict[str, int], actor_id: int) -> dict[str, Any]:
    """My webhook's delivery log, newest first."""
    found, total = webhook_log(runtime().reading(), by=me().acting, actor_id=actor_id, **query)
    return page_of(found, total, query["page"], query["per_page"])


@actors.route("/<int:actor_id>/impact", methods=["GET"])
@actors.arguments(schemas.ImpactQuery, location="query")
@actors.response(200, schemas.ImpactOut)
def impact(query: dict[str, Any], actor_id: int) -> dict[str, Any]:
    """My actor's received and reused kg, avoided CO2e and collections, month by month."""
    months = impact_of_actor(runtime().reading(), by=me().acting, actor_id=actor_id, **query)
    return {"actor_id": actor_id, "months": months}
