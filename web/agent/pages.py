"""The agent's pages: home with alerts, declare a lot, my lots, a lot's file, change, cancel."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from reuse.domain.errors import Conflict, InvalidTransition, ValidationFailed
from reuse.domain.french import PARIS
from reuse.domain.lifecycle import is_editable
from reuse.domain.vocabulary import LotStatus, Role
from reuse.services.agent_board import agent_alerts, declaration_choices, lot_file
from reuse.services.claims import record_no_show
from reuse.services.lot_queries import LotFilters, list_lots, lot_detail
from reuse.services.lots import cancel_lot, declare_lot, update_lot
from web.agent.forms import ActionForm, CancelForm, DeclarationForm, LotFieldsForm, LotFilterForm
from web.auth.guard import protect
from web.auth.session import me
from web.context import runtime
from web.pages.messages import attach_errors
from web.pages.navigation import register_role
from web.pages.photos import keep, read_uploads
from web.pages.vocabulary import WEIGHT_FLAG, label

PER_PAGE = 20
STALE = (Conflict, InvalidTransition)

bp = Blueprint("agent_pages", __name__, url_prefix="/agent")
protect(bp, Role.AGENT)
register_role(Role.AGENT, "agent_pages.home", [
    ("agent_pages.home", _l("Today")),
    ("agent_pages.declare", _l("Declare a lot")),
    ("agent_pages.lots", _l("My lots")),
])  # fmt: skip


def refused(form: object) -> int:
    """200 for a fresh form, 422 when it comes back with errors."""
    return 422 if getattr(form, "errors", None) else 200


@bp.route("/")
def home() -> ResponseReturnValue:
    """Alerts first: lots nobody takes and today's pickups."""
    today = datetime.now(UTC).astimezone(PARIS).date()
    alerts = agent_alerts(runtime().uow(), by=me().acting, day=today)
    return render_template("agent/home.html", alerts=alerts, today=today)


@bp.route("/lots/nouveau", methods=["GET", "POST"])
def declare() -> ResponseReturnValue:
    """Declare a lot at one of my sites, with photos."""
    form = DeclarationForm()
    form.offer(declaration_choices(runtime().uow(), by=me().acting))
    if form.validate_on_submit():
        lot_id = record_declaration(form)
        if lot_id is not None:
            return redirect(url_for(".lot", lot_id=lot_id))
    return render_template("agent/declare.html", form=form), refused(form)


def record_declaration(form: DeclarationForm) -> int | None:
    """Declare the lot and keep its photos; None when refused (errors are on the form)."""
    uploads = read_uploads(form.photos.data or [])
    draft = form.draft([u.photo for u in uploads])
    try:
        declared = declare_lot(runtime().uow(), by=me().acting, site_id=form.site_id.data,
                               subcategory=form.subcategory.data, draft=draft)  # fmt: skip
    except ValidationFailed as refusal:
        attach_errors(form, refusal)
        return None
    keep(uploads)
    flash(_("The lot is declared: reuse actors are being looked for."), "success")
    if declared.weight_flag:
        flash(label(WEIGHT_FLAG, declared.weight_flag), "error")
    return declared.lot_id


@bp.route("/lots")
def lots() -> ResponseReturnValue:
    """My lots, newest first, by status, a page at a time."""
    form = LotFilterForm(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    filters = LotFilters(status=form.status.data or None)
    items, total = list_lots(runtime().reading(), by=me().acting, filters=filters, page=page,
                             per_page=PER_PAGE)  # fmt: skip
    args = {"status": filters.status} if filters.status else {}
    return render_template("agent/lots.html", form=form, items=items, total=total, page=page,
                           per_page=PER_PAGE, args=args)  # fmt: skip


@bp.route("/lots/<int:lot_id>")
def lot(lot_id: int, cancel_form: CancelForm | None = None) -> ResponseReturnValue:
    """A lot's file: facts, photos, timeline, offers, claims and the actions still possible."""
    found = lot_file(runtime().uow(), by=me().acting, lot_id=lot_id)
    status = LotStatus(found.detail.lot.status)
    return render_template(
        "agent/lot.html", file=found, now=datetime.now(UTC), action_form=ActionForm(),
        cancel_form=cancel_form or CancelForm(), editable=is_editable(status) and not found.claims,
    ), refused(cancel_form)  # fmt: skip


@bp.route("/lots/<int:lot_id>/modifier", methods=["GET", "POST"])
def edit(lot_id: int) -> ResponseReturnValue:
    """Change a lot nobody has claimed yet."""
    detail = lot_detail(runtime().reading(), by=me().acting, lot_id=lot_id)
    form = LotFieldsForm(obj=detail.lot, description=detail.description)
    form.offer(declaration_choices(runtime().uow(), by=me().acting))
    if request.method == "GET" and detail.lot.weight_is_estimate:
        form.estimated_kg.data = None  # left empty, the weight stays an estimate from the count
    if form.validate_on_submit():
        try:
            update_lot(runtime().uow(), by=me().acting, lot_id=lot_id, changes=form.changes())
        except ValidationFailed as refusal:
            attach_errors(form, refusal)
        except STALE:
            return stale(lot_id)
        else:
            flash(_("The lot has been changed."), "success")
            return redirect(url_for(".lot", lot_id=lot_id))
    return render_template("agent/edit.html", form=form, lot=detail.lot), refused(form)


@bp.route("/lots/<int:lot_id>/annuler", methods=["POST"])
def cancel(lot_id: int) -> ResponseReturnValue:
    """Cancel a lot nobody has claimed; its offers are withdrawn."""
    form = CancelForm()
    if not form.validate_on_submit():
        return lot(lot_id, cancel_form=form)
    try:
        cancel_lot(runtime().uow(), by=me().acting, lot_id=lot_id, reason=form.reason.data)
    except STALE:
        return stale(lot_id)
    flash(_("The lot is cancelled."), "success")
    return redirect(url_for(".lot", lot_id=lot_id))


@bp.route("/lots/<int:lot_id>/reservations/<int:claim_id>/absent", methods=["POST"])
def no_show(lot_id: int, claim_id: int) -> ResponseReturnValue:
    """Record that the actor did not come: its kilograms go back on offer."""
    try:
        record_no_show(runtime().uow(), by=me().acting, claim_id=claim_id)
    except STALE:
        return stale(lot_id)
    flash(_("The no-show is recorded: the kilograms are offered again."), "success")
    return redirect(url_for(".lot", lot_id=lot_id))


def stale(lot_id: int) -> ResponseReturnValue:
    """The lot changed meanwhile (claimed, cancelled, pickup not due): say so on its page."""
    flash(_("This action is no longer possible: the lot has changed in the meantime."), "error")
    return redirect(url_for(".lot", lot_id=lot_id))
