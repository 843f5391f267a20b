"""The intercommunality's pages: the month's dashboard and its exports, the lots explorer,
the directory of the reuse actors serving the territory."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound

from reuse.domain.vocabulary import Role
from reuse.services.actors import list_actors
from reuse.services.agent_board import subcategory_groups
from reuse.services.lot_queries import LotFilters, list_lots
from reuse.services.territory_board import figure_territories, territory_dashboard
from reuse.services.territory_directory import list_sites
from reuse.services.territory_figures import territory_open_data
from reuse.stats.exports import csv_bytes, open_data_rows, xlsx_bytes
from reuse.stats.months import Month
from reuse.stats.service import Report
from web.auth.guard import protect
from web.auth.session import me
from web.context import runtime
from web.pages.charts import series_of, stacked_bars
from web.pages.navigation import register_role
from web.pages.vocabulary import ACTOR_KIND, label
from web.territory.forms import DashboardForm, LotExplorerForm

PER_PAGE = 25
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = {  # URL name → (file suffix, media type)
    "csv-fr": ("fr.csv", CSV),
    "csv": ("csv", CSV),
    "xlsx": ("xlsx", XLSX),
    "donnees-ouvertes": ("donnees-ouvertes.csv", CSV),
}

bp = Blueprint("territory_pages", __name__, url_prefix="/territoire")
protect(bp, Role.TERRITORY_VIEWER)
register_role(Role.TERRITORY_VIEWER, "territory_pages.dashboard", [
    ("territory_pages.dashboard", _l("Dashboard")),
    ("territory_pages.lots", _l("Lots")),
    ("territory_pages.actors", _l("Reuse actors")),
])  # fmt: skip


def chosen() -> tuple[DashboardForm, Month, int]:
    """The month and territory asked for in the query string, and the form showing them."""
    form = DashboardForm(request.args)
    form.offer(figure_territories(runtime().uow(), by=me().acting))
    form.validate()
    territory = form.territory()
    if territory is None:
        raise NotFound()
    return form, form.month(), territory


@bp.route("/")
def dashboard() -> ResponseReturnValue:
    """The month's figures, the twelve months up to it by category, and its breakdowns."""
    form, month, territory = chosen()
    board = territory_dashboard(runtime().uow(), by=me().acting, territory_id=territory,
                                month=month)  # fmt: skip
    history = board.history
    chart = stacked_bars(history.months, series_of(history.months, history.rows,
                                                   lambda f: f.diverted_kg))  # fmt: skip
    return render_template(
        "territory/dashboard.html", form=form, board=board, chart=chart,
        months=[date(m.year, m.number, 1) for m in map(Month.parse, history.months)],
        query={"mois": month.label, "territoire": territory},
    ), 422 if form.errors else 200  # fmt: skip


@bp.route("/exports/<name>")
def export(name: str) -> ResponseReturnValue:
    """What the dashboard shows, as French CSV, standard CSV, XLSX or open-data CSV."""
    if name not in EXPORTS:
        raise NotFound()
    form, month, territory = chosen()
    if form.errors:
        return dashboard()
    reports = exported(name, territory, month)
    rows = open_data_rows(reports)
    data = xlsx_bytes(rows) if name == "xlsx" else csv_bytes(rows, french=name == "csv-fr")
    suffix, media_type = EXPORTS[name]
    filename = f"{reports[0].territory}-{month.label}.{suffix}"
    return Response(data, mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})  # fmt: skip


def exported(name: str, territory: int, month: Month) -> tuple[Report, ...]:
    """The dashboard's reports; for open data, its twelve months under every breakdown."""
    uow, by = runtime().uow(), me().acting
    board = territory_dashboard(uow, by=by, territory_id=territory, month=month)
    if name != "donnees-ouvertes":
        return board.reports
    return territory_open_data(uow, by=by, territory_id=territory, first=board.first, last=month)


@bp.route("/lots")
def lots() -> ResponseReturnValue:
    """The territory's lots, newest first, filtered by status, site, subcategory and dates."""
    uow, by = runtime().uow(), me().acting
    choice, _, territory = chosen()
    if choice.errors:  # a hand-made territory the person may not read
        raise NotFound()
    form = LotExplorerForm(request.args)
    form.offer(list_sites(uow, by=by, territory_id=territory), subcategory_groups(uow))
    if not form.validate():
        return render_template("territory/lots.html", form=form, items=[], total=0), 422
    page = max(request.args.get("page", 1, type=int), 1)
    items, total = list_lots(uow, by=by, filters=form_filters(form), page=page, per_page=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("territory/lots.html", form=form, items=items, total=total,
                           page=page, per_page=PER_PAGE, args=args)  # fmt: skip


def form_filters(form: LotExplorerForm) -> LotFilters:
    """The lot filters of a valid explorer form."""
    return LotFilters(
        status=form.status.data or None,
        site_id=int(form.site.data) if form.site.data else None,
        subcategory=form.subcategory.data or None,
        declared_from=form.declared_from.data,
        declared_to=form.declared_to.data,
    )


@bp.route("/acteurs")
def actors() -> ResponseReturnValue:
    """The active reuse actors whose service radius reaches my territories' sites, on a map."""
    found = [a for a in list_actors(runtime().uow(), by=me().acting) if a.active]
    markers = [
        {"lat": a.lat, "lon": a.lon, "label": a.name,
         "detail": f"{label(ACTOR_KIND, a.kind)} — {a.commune_name}"}
        for a in found
    ]  # fmt: skip
    return render_template("territory/actors.html", actors=found, markers=markers)
