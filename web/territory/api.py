"""Territories, their sites and communes, the taxonomy and the actor directory as JSON;
a territory's monthly figures and their exports for its viewers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response

from reuse.domain.vocabulary import Role
from reuse.services.actors import get_actor, page_of_actors
from reuse.services.taxonomy import list_categories
from reuse.services.territory_directory import (
    get_territory,
    list_communes,
    list_sites,
    list_territories,
)
from reuse.services.territory_figures import territory_figures, territory_open_data
from reuse.stats.exports import csv_bytes, open_data_rows, report_rows, xlsx_bytes
from reuse.stats.service import Report
from web.api import Blueprint
from web.auth.guard import protect
from web.auth.session import me
from web.context import runtime
from web.schemas import PageQuery, page_of
from web.territory import schemas

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

territories = Blueprint(
    "territories", __name__, url_prefix="/api/territories", description="Territories I belong to"
)
protect(territories, Role.AGENT, Role.TERRITORY_VIEWER)
figures = Blueprint(
    "territory_figures", __name__, url_prefix="/api/territories", description="Monthly figures"
)
protect(figures, Role.TERRITORY_VIEWER)
directory = Blueprint("directory", __name__, url_prefix="/api", description="Taxonomy and actors")
protect(directory, Role.AGENT, Role.TERRITORY_VIEWER, Role.RECYCLER)
BLUEPRINTS = (territories, figures, directory)


@territories.route("", methods=["GET"])
@territories.response(200, schemas.TerritoryOut(many=True))
def territory_list() -> Any:
    """The territories I belong to (every territory for admins)."""
    return list_territories(runtime().uow(), by=me().acting)


@territories.route("/<int:territory_id>", methods=["GET"])
@territories.response(200, schemas.TerritoryOut)
def territory(territory_id: int) -> Any:
    """One of my territories, with the INSEE codes of its communes."""
    return get_territory(runtime().reading(), by=me().acting, territory_id=territory_id)


@territories.route("/<int:territory_id>/sites", methods=["GET"])
@territories.response(200, schemas.SiteOut(many=True))
def sites(territory_id: int) -> Any:
    """The territory's sites with their coordinates and opening days."""
    return list_sites(runtime().reading(), by=me().acting, territory_id=territory_id)


@territories.route("/<int:territory_id>/communes", methods=["GET"])
@territories.response(200, schemas.CommuneOut(many=True))
def communes(territory_id: int) -> Any:
    """The territory's communes."""
    return list_communes(runtime().reading(), by=me().acting, territory_id=territory_id)


@figures.route("/<int:territory_id>/stats", methods=["GET"])
@figures.arguments(schemas.StatsQuery, location="query")
@figures.response(200, schemas.StatsOut)
def stats(query: dict[str, Any], territory_id: int) -> dict[str, Any]:
    """Monthly figures with the month before and the same month a year before, and a breakdown."""
    by = query.pop("by", None)
    report = territory_figures(runtime().reading(), by=me().acting, territory_id=territory_id,
                               breakdown=schemas.BREAKDOWNS.get(by or ""), **query)  # fmt: skip
    months = [
        {"figures": f, "previous_month": report.previous_month(f.month),
         "same_month_last_year": report.same_month_last_year(f.month)}
        for f in report.totals
    ]  # fmt: skip
    return {**vars(report), "breakdown": by or "total", "months": months}


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


def _export_doc(media_type: str, summary: str) -> Callable[[Any], Any]:
    content = {media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}}
    document: Callable[[Any], Any] = figures.doc(
        summary=summary, responses={"200": {"description": "OK", "content": content}}
    )
    return document


def _report(query: dict[str, Any], territory_id: int) -> Report:
    return territory_figures(
        runtime().reading(), by=me().acting, territory_id=territory_id, **query
    )


def _name(report: Report, query: dict[str, Any], what: str) -> str:
    return f"{report.territory}-{query['first'].label}-{query['last'].label}-{what}"


@figures.route("/<int:territory_id>/exports/figures.csv", methods=["GET"])
@figures.arguments(schemas.MonthRange, location="query")
@_export_doc(CSV, "Monthly totals as CSV (comma, decimal point)")
def figures_csv(query: dict[str, Any], territory_id: int) -> Response:
    """The monthly totals with comparisons, comma-separated with a decimal point."""
    report = _report(query, territory_id)
    data = csv_bytes(report_rows(report), french=False)
    return _download(data, CSV, _name(report, query, "figures.csv"))


@figures.route("/<int:territory_id>/exports/figures-fr.csv", methods=["GET"])
@figures.arguments(schemas.MonthRange, location="query")
@_export_doc(CSV, "Monthly totals as CSV for French spreadsheets")
def figures_french_csv(query: dict[str, Any], territory_id: int) -> Response:
    """The monthly totals for French spreadsheets: BOM, semicolons, decimal comma."""
    report = _report(query, territory_id)
    data = csv_bytes(report_rows(report), french=True)
    return _download(data, CSV, _name(report, query, "figures-fr.csv"))


@figures.route("/<int:territory_id>/exports/figures.xlsx", methods=["GET"])
@figures.arguments(schemas.MonthRange, location="query")
@_export_doc(XLSX, "Monthly totals as an XLSX workbook")
def figures_xlsx(query: dict[str, Any], territory_id: int) -> Response:
    """The monthly totals as a workbook, numbers as numbers."""
    report = _report(query, territory_id)
    return _download(xlsx_bytes(report_rows(report)), XLSX, _name(report, query, "figures.xlsx"))


@figures.route("/<int:territory_id>/exports/open-data.csv", methods=["GET"])
@figures.arguments(schemas.MonthRange, location="query")
@_export_doc(CSV, "Long-format open data: totals, then every breakdown")
def open_data_csv(query: dict[str, Any], territory_id: int) -> Response:
    """Long-format open data: the monthly totals, then every breakdown of the range."""
    reports = territory_open_data(runtime().uow(), by=me().acting, territory_id=territory_id,
                                  **query)  # fmt: skip
    data = csv_bytes(open_data_rows(reports), french=False)
    return _download(data, CSV, _name(reports[0], query, "open-data.csv"))


@directory.route("/categories", methods=["GET"])
@directory.response(200, schemas.CategoryOut(many=True))
def categories() -> Any:
    """The object taxonomy: categories, subcategories, unit weights, REP filière, waste codes."""
    return list_categories(runtime().reading(), by=me().acting)


@directory.route("/actors", methods=["GET"])
@directory.arguments(PageQuery, location="query")
@directory.response(200, schemas.ActorPage)
def actors(query: dict[str, int]) -> Any:
    """The actors serving my territories (my own actor for recyclers; all for admins), by
    name, a page at a time."""
    found, total = page_of_actors(runtime().reading(), by=me().acting, **query)
    return page_of(found, total, query["page"], query["per_page"])


@directory.route("/actors/<int:actor_id>", methods=["GET"])
@directory.response(200, schemas.ActorOut)
def actor(actor_id: int) -> Any:
    """One actor of my directory, with what it accepts and when it collects."""
    return get_actor(runtime().reading(), by=me().acting, actor_id=actor_id)
