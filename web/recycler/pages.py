"""The recycler's pages: offers board with a map, claim, book a pickup, my pickups, weigh what
came in and report what became of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from reuse.domain.errors import Conflict, FieldError, InvalidTransition, ValidationFailed
from reuse.domain.french import PARIS
from reuse.domain.vocabulary import Role
from reuse.services.claim_queries import ClaimFilters, ClaimView, list_claims
from reuse.services.claims import book_pickup, claim_offer
from reuse.services.offer_queries import offer_detail
from reuse.services.receptions import correct_outcomes, record_nothing_collected, report_outcomes
from reuse.services.recycler_board import (
    claim_file,
    follow_ups,
    offer_standing,
    offers_board,
    outcome_choices,
)
from reuse.services.weighing import receive_confirmed
from web.auth.guard import protect
from web.auth.session import me
from web.context import runtime
from web.pages.formatting import mass
from web.pages.messages import attach_errors
from web.pages.navigation import register_role
from web.pages.vocabulary import WEIGHT_FLAG, label
from web.recycler.forms import (
    OUTCOME_PREFIX,
    ClaimForm,
    CorrectionForm,
    NothingCollectedForm,
    OutcomesForm,
    PickupForm,
    ReceptionForm,
    with_outcomes,
)

STALE = (Conflict, InvalidTransition)
ANOMALY = WEIGHT_FLAG | {
    "far_above_claimed": _l(
        "The weight is more than three times what was claimed: please check it."
    ),
}

bp = Blueprint("recycler_pages", __name__, url_prefix="/recycleur")
protect(bp, Role.RECYCLER)
register_role(Role.RECYCLER, "recycler_pages.board", [
    ("recycler_pages.board", _l("Offers")),
    ("recycler_pages.pickups", _l("My pickups")),
    ("recycler_impact.impact", _l("My impact")),
    ("recycler_settings.notifications", _l("Notifications")),
])  # fmt: skip


def refused(*forms: FlaskForm | None) -> int:
    """200 for fresh forms, 422 when one comes back with errors."""
    return 422 if any(form is not None and form.errors for form in forms) else 200


def now() -> datetime:
    """This instant, in UTC (the pages pass it to the reads that depend on time)."""
    return datetime.now(UTC)


@bp.route("/")
def board() -> ResponseReturnValue:
    """The offers I can still claim, as a list and on a map."""
    offers = offers_board(runtime().uow(), by=me().acting, now=now())
    markers = [
        {"lat": o.site_lat, "lon": o.site_lon, "href": url_for(".offer", offer_id=o.offer.id),
         "label": f"{o.offer.lot.subcategory_label} — {o.offer.lot.site_name}",
         "detail": mass(o.offer.lot.remaining_kg)}
        for o in offers
    ]  # fmt: skip
    return render_template("recycler/board.html", offers=offers, markers=markers)


@bp.route("/propositions/<int:offer_id>")
def offer(offer_id: int, claim_form: ClaimForm | None = None) -> ResponseReturnValue:
    """An offer: the lot, why it was sent to me, and the claim form while it can be claimed."""
    uow, by = runtime().uow(), me().acting
    found = offer_detail(uow, by=by, offer_id=offer_id)
    standing = offer_standing(uow, by=by, offer_id=offer_id, now=now())
    claims, _total = list_claims(uow, by=by, filters=ClaimFilters(lot_id=found.lot.id))
    status = 409 if claim_form is not None and claim_form.form_errors else refused(claim_form)
    return render_template("recycler/offer.html", offer=found, standing=standing, claims=claims,
                           form=claim_form or ClaimForm()), status  # fmt: skip


@bp.route("/propositions/<int:offer_id>/reserver", methods=["POST"])
def claim(offer_id: int) -> ResponseReturnValue:
    """Claim all that is left, or a part; what others took meanwhile is explained."""
    form = ClaimForm()
    if not form.validate_on_submit():
        return offer(offer_id, claim_form=form)
    try:
        claimed = claim_offer(runtime().uow(), by=me().acting, offer_id=offer_id,
                              request=form.request())  # fmt: skip
    except ValidationFailed as refusal:
        attach_errors(form, refusal)
        return offer(offer_id, claim_form=form)
    except STALE:
        form.form_errors.append(what_is_left(offer_id, form))
        return offer(offer_id, claim_form=form)
    flash(_("You claimed %(kg)s: now book the pickup.", kg=mass(claimed.kg)), "success")
    return redirect(url_for(".claim_page", claim_id=claimed.claim_id))


def what_is_left(offer_id: int, form: ClaimForm) -> str:
    """Why a claim was refused after the form was filled: taken meanwhile, or no capacity left."""
    uow, by = runtime().uow(), me().acting
    left = offer_detail(uow, by=by, offer_id=offer_id).lot.remaining_kg
    standing = offer_standing(uow, by=by, offer_id=offer_id, now=now())
    if left <= 0 or not standing.is_claimable:
        return str(_("This lot can no longer be claimed: nothing is left of it."))
    wanted = form.wanted_kg() or left
    if standing.capacity_left_kg < min(wanted, left):
        capacity = mass(max(standing.capacity_left_kg, Decimal(0)))
        return str(_("This claim exceeds your weekly capacity: %(left)s left this week.",
                     left=capacity))  # fmt: skip
    return str(_("Only %(left)s of this lot are left: claim at most that.", left=mass(left)))


@bp.route("/enlevements")
def pickups() -> ResponseReturnValue:
    """My pickups of the week, day by day, and the claims still to book or to report on."""
    first = monday_of(request.args.get("semaine", ""))
    filters = ClaimFilters(status="active", pickup_from=first, pickup_to=first + timedelta(days=6))
    uow, by = runtime().uow(), me().acting
    booked, _total = list_claims(uow, by=by, filters=filters, per_page=200)
    days: list[tuple[date, list[ClaimView]]] = [(first + timedelta(days=n), []) for n in range(7)]
    for item in booked:
        if item.pickup_at is not None:
            days[(item.pickup_at.astimezone(PARIS).date() - first).days][1].append(item)
    return render_template("recycler/pickups.html", days=days, first=first,
                           follow=follow_ups(uow, by=by), week=timedelta(days=7))  # fmt: skip


def monday_of(text: str) -> date:
    """The Monday of the week holding the day `text` (YYYY-MM-DD), or of this week."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = now().astimezone(PARIS).date()
    return day - timedelta(days=day.weekday())


@bp.route("/reservations/<int:claim_id>")
def claim_page(claim_id: int, **forms: FlaskForm) -> ResponseReturnValue:
    """One claim: book its pickup, weigh what came in or say nothing did, report outcomes."""
    choices = outcome_choices(runtime().uow())
    found = claim_file(runtime().uow(), by=me().acting, claim_id=claim_id)
    reported = found.reception.outcomes if found.reception else {}
    current = {f"{OUTCOME_PREFIX}{slug}": kg for slug, kg in reported.items()}
    shown: dict[str, Any] = {
        "pickup_form": PickupForm(obj=found.claim), "reception_form": ReceptionForm(),
        "nothing_form": NothingCollectedForm(), "outcomes_form": with_outcomes(OutcomesForm, choices)(),
        "correction_form": with_outcomes(CorrectionForm, choices)(formdata=None, data=current),
    } | forms  # fmt: skip
    return render_template("recycler/claim.html", file=found, outcomes=dict(choices),
                           anomaly=label(ANOMALY, found.reception.anomaly) if found.reception else "",
                           **shown), refused(*forms.values())  # fmt: skip


@bp.route("/reservations/<int:claim_id>/creneau", methods=["POST"])
def book(claim_id: int) -> ResponseReturnValue:
    """Book (or move) the pickup on a day the site is open, before the deadline."""
    form = PickupForm()
    if form.validate_on_submit():
        try:
            book_pickup(runtime().uow(), by=me().acting, claim_id=claim_id,
                        pickup_at=form.moment())  # fmt: skip
        except ValidationFailed as refusal:
            attach_errors(form, refusal)
        except STALE:
            return stale(claim_id)
        else:
            flash(_("The pickup is booked."), "success")
            return redirect(url_for(".claim_page", claim_id=claim_id))
    return claim_page(claim_id, pickup_form=form)


@bp.route("/reservations/<int:claim_id>/reception", methods=["POST"])
def receive(claim_id: int) -> ResponseReturnValue:
    """Record the weight received; a weight that looks wrong is asked to be confirmed first."""
    form = ReceptionForm()
    if form.validate_on_submit():
        try:
            receive_confirmed(runtime().uow(), by=me().acting, claim_id=claim_id,
                              measured_kg=form.weight(), note=form.note.data or "",
                              confirmed=bool(form.confirmed.data))  # fmt: skip
        except ValidationFailed as refusal:
            ask_confirmation(form, refusal)
        except STALE:
            return stale(claim_id)
        else:
            flash(_("The reception is recorded: now say what becomes of it."), "success")
            return redirect(url_for(".claim_page", claim_id=claim_id))
    return claim_page(claim_id, reception_form=form)


def ask_confirmation(form: ReceptionForm, refusal: ValidationFailed) -> None:
    """A weight that looks wrong is explained next to it, with a box to confirm it anyway."""
    anomalies = [e for e in refusal.errors if e.code in ANOMALY]
    for error in anomalies:
        form.measured_kg.errors = [*form.measured_kg.errors, label(ANOMALY, error.code)]
        form.asks_confirmation = True
    others = [e for e in refusal.errors if e.code not in ANOMALY]
    if others:
        attach_errors(form, ValidationFailed(others))


@bp.route("/reservations/<int:claim_id>/rien-collecte", methods=["POST"])
def nothing(claim_id: int) -> ResponseReturnValue:
    """Record that the pickup brought nothing in, and why."""
    form = NothingCollectedForm()
    if form.validate_on_submit():
        try:
            record_nothing_collected(runtime().uow(), by=me().acting, claim_id=claim_id,
                                     reason=form.reason.data)  # fmt: skip
        except ValidationFailed as refusal:
            attach_errors(form, refusal)
        except STALE:
            return stale(claim_id)
        else:
            flash(_("Recorded: nothing was collected."), "success")
            return redirect(url_for(".claim_page", claim_id=claim_id))
    return claim_page(claim_id, nothing_form=form)


@bp.route("/reservations/<int:claim_id>/devenir", methods=["POST"])
def outcomes(claim_id: int) -> ResponseReturnValue:
    """Say what became of the received kilograms, outcome by outcome."""

    def record(reception_id: int, form: Any) -> None:
        report_outcomes(runtime().uow(), by=me().acting, reception_id=reception_id,
                        lines=form.lines())  # fmt: skip

    return outcome_form(claim_id, OutcomesForm, record, _("The outcomes are recorded."),
                        "outcomes_form")  # fmt: skip


@bp.route("/reservations/<int:claim_id>/devenir/correction", methods=["POST"])
def correct(claim_id: int) -> ResponseReturnValue:
    """Replace the reported outcomes, saying why (the previous ones are kept)."""

    def record(reception_id: int, form: Any) -> None:
        correct_outcomes(runtime().uow(), by=me().acting, reception_id=reception_id,
                         lines=form.lines(), reason=form.reason.data)  # fmt: skip

    return outcome_form(claim_id, CorrectionForm, record, _("The outcomes are corrected."),
                        "correction_form")  # fmt: skip


def outcome_form(
    claim_id: int,
    form_class: type[OutcomesForm],
    record: Callable[[int, Any], None],
    done: str,
    slot: str,
) -> ResponseReturnValue:
    """Validate an outcomes form of the claim's reception and `record` it, or show it again."""
    form = with_outcomes(form_class, outcome_choices(runtime().uow()))()
    reception_id = claim_file(runtime().uow(), by=me().acting, claim_id=claim_id).claim.reception_id
    if reception_id is None:
        return stale(claim_id)
    if form.validate_on_submit():
        try:
            record(reception_id, form)
        except ValidationFailed as refusal:
            attach_outcome_errors(form, refusal)
        except STALE:
            return stale(claim_id)
        else:
            flash(done, "success")
            return redirect(url_for(".claim_page", claim_id=claim_id))
    return claim_page(claim_id, **{slot: form})


def attach_outcome_errors(form: OutcomesForm, refusal: ValidationFailed) -> None:
    """Errors of `lines.<outcome>` go next to that outcome's field, the others above them."""
    renamed = [
        FieldError(e.field.replace("lines.", OUTCOME_PREFIX, 1), e.code, e.message)
        for e in refusal.errors
    ]
    attach_errors(form, ValidationFailed(renamed))


def stale(claim_id: int) -> ResponseReturnValue:
    """The claim changed meanwhile (received, released, window closed): say so on its page."""
    flash(_("This action is no longer possible: the claim has changed in the meantime."), "error")
    return redirect(url_for(".claim_page", claim_id=claim_id))
