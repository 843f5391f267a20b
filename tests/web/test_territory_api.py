"""Territories, directory and figures through the JSON API: members read their own territory,
viewers its figures and exports, and the numbers are the statistics module's."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from reuse.domain.vocabulary import Role
from reuse.models import Actor, Offer
from reuse.services.actor_directory import ActorDirectory
from reuse.services.claims import claim_offer
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.services.receptions import receive_claim, report_outcomes
from reuse.stats.columns import FIGURE_COLUMNS
from reuse.stats.months import Month
from reuse.stats.service import territory_report
from reuse.unit_of_work import UnitOfWork

from builders import NOW, a_draft, a_recycler_of, a_site, an_actor, an_agent_of
from tests_web import sign_in_as

MORLAIX, STRASBOURG = (48.57784, -3.82792), (48.58392, 7.74553)
OFF_OUESSANT = (48.2, -6.9)
MARCH = "from=2026-03&to=2026-03"


@dataclass(frozen=True)
class Place:
    territory_id: int
    territory_slug: str
    site_id: int
    actor_id: int
    agent_id: int
    recycler_id: int


def a_place(uow: UnitOfWork, where: tuple[float, float] = MORLAIX) -> Place:
    """A territory with one site, and an actor next to it accepting sofas."""
    lat, lon = where
    with uow:
        site = a_site(uow.session, lat=lat, lon=lon)
        actor = an_actor(uow.session, lat=lat, lon=lon,
                         accepts={"mobilier.canape": ["as_is", "to_repair"]})  # fmt: skip
        agent, recycler = an_agent_of(uow.session, site), a_recycler_of(uow.session, actor)
        uow.commit()
        return Place(site.territory_id, site.territory.slug, site.id, actor.id, agent.id,
                     recycler.id)  # fmt: skip


def a_sofa_reused_in_march(uow: UnitOfWork, place: Place) -> None:
    """A 40 kg sofa declared on 10 March 2026, claimed, weighed at 36.2 kg and reused."""
    lot = declare_lot(uow, by=place.agent_id, site_id=place.site_id,
                      subcategory="mobilier.canape", draft=a_draft(), now=NOW).lot_id  # fmt: skip
    match_lot(uow, ActorDirectory(), lot_id=lot, now=NOW)  # rolled back: no index kept across tests
    with uow:
        offer = uow.session.scalar(select(Offer.id).where(Offer.lot_id == lot))
    assert offer is not None
    claim = claim_offer(uow, by=place.recycler_id, offer_id=offer, now=NOW + timedelta(hours=1))
    later = NOW + timedelta(days=1)
    received = receive_claim(uow, by=place.recycler_id, claim_id=claim.claim_id,
                             measured_kg=Decimal("36.2"), now=later)  # fmt: skip
    report_outcomes(uow, by=place.recycler_id, reception_id=received.reception_id,
                    lines={"reemploi": Decimal("36.2")}, now=later)  # fmt: skip


def a_viewer_of(client: FlaskClient, uow: UnitOfWork, place: Place) -> None:
    sign_in_as(client, uow, Role.TERRITORY_VIEWER, territory_id=place.territory_id)


def test_a_viewer_reads_the_month_figures_with_their_comparisons(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    place = a_place(uow)
    a_sofa_reused_in_march(uow, place)
    a_viewer_of(client, uow, place)
    response = client.get(f"/api/territories/{place.territory_id}/stats?{MARCH}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    (march,) = body["months"]
    assert march["figures"]["month"] == "2026-03"
    assert march["figures"]["diverted_kg"] == "36.200"
    assert march["figures"]["reused_kg"] == "36.200"
    assert march["figures"]["declared_kg"] == "40.000"
    assert march["previous_month"]["month"] == "2026-02"
    assert march["previous_month"]["diverted_kg"] == "0.000"
    assert march["same_month_last_year"]["month"] == "2025-03"
    assert (body["breakdown"], body["rows"], body["territory"]) == (
        "total",
        [],
        place.territory_slug,
    )


def test_the_api_gives_the_statistics_module_figures_for_every_breakdown(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    place = a_place(uow)
    a_sofa_reused_in_march(uow, place)
    a_viewer_of(client, uow, place)
    for by, dimension in (("category", "category"), ("filiere", "rep"), ("actor", "actor"),
                          ("commune", "commune"), ("site", "site"), ("subcategory", "subcategory")):  # fmt: skip
        body = client.get(f"/api/territories/{place.territory_id}/stats?{MARCH}&by={by}").get_json()
        report = territory_report(uow, territory=place.territory_slug, first=Month(2026, 3),
                                  last=Month(2026, 3), by=dimension)  # fmt: skip
        assert [(r["key"], r["diverted_kg"], r["avoided_co2e_kg"]) for r in body["rows"]] == [
            (f.key, str(f.diverted_kg), str(f.avoided_co2e_kg)) for f in report.rows
        ], by
        assert body["breakdown"] == by


def test_a_month_range_backwards_or_malformed_is_refused_with_its_field(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    place = a_place(uow)
    a_viewer_of(client, uow, place)
    backwards = client.get(f"/api/territories/{place.territory_id}/stats?from=2026-03&to=2026-01")
    assert backwards.status_code == 422
    assert backwards.mimetype == "application/problem+json"
    assert set(backwards.get_json()["errors"]) == {"to"}
    malformed = client.get(f"/api/territories/{place.territory_id}/stats?from=2026-13&by=weather")
    assert malformed.status_code == 422
    assert set(malformed.get_json()["errors"]) == {"from", "by"}
    export = client.get(f"/api/territories/{place.territory_id}/exports/figures.csv?to=March")
    assert (export.status_code, set(export.get_json()["errors"])) == (422, {"to"})


def test_another_territory_figures_and_sites_are_not_found(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    mine, theirs = a_place(uow), a_place(uow, STRASBOURG)
    a_viewer_of(client, uow, mine)
    for path in ("stats", "exports/figures.csv", "exports/open-data.csv", "sites", "communes", ""):
        url = f"/api/territories/{theirs.territory_id}/{path}".rstrip("/")
        assert client.get(url).status_code == 404, url
    assert [t["id"] for t in client.get("/api/territories").get_json()] == [mine.territory_id]


def test_an_agent_reads_its_territory_sites_but_not_its_figures(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    place = a_place(uow)
    sign_in_as(client, uow, Role.AGENT, territory_id=place.territory_id)
    (site,) = client.get(f"/api/territories/{place.territory_id}/sites").get_json()
    assert (site["id"], site["opening_weekdays"], site["active"]) == (
        place.site_id, [1, 2, 3, 4, 5, 6], True,
    )  # fmt: skip
    (commune,) = client.get(f"/api/territories/{place.territory_id}/communes").get_json()
    assert commune["insee"] == site["commune_insee"]
    territory = client.get(f"/api/territories/{place.territory_id}").get_json()
    assert territory["communes"] == [site["commune_insee"]]
    refused = client.get(f"/api/territories/{place.territory_id}/stats")
    assert (refused.status_code, refused.mimetype) == (403, "application/problem+json")


def rows_of(text: str, delimiter: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_the_csv_exports_hold_the_api_figures_under_a_named_file(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    place = a_place(uow)
    a_sofa_reused_in_march(uow, place)
    a_viewer_of(client, uow, place)
    base = f"/api/territories/{place.territory_id}/exports"
    plain = client.get(f"{base}/figures.csv?{MARCH}")
    assert plain.mimetype == "text/csv"
    assert plain.headers["Content-Disposition"] == (
        f'attachment; filename="{place.territory_slug}-2026-03-2026-03-figures.csv"'
    )
    (row,) = rows_of(plain.get_data(as_text=True), ",")
    assert (row["month"], row["diverted_kg"], row["reused_kg"]) == ("2026-03", "36.200", "36.200")
    assert row["diverted_kg_previous_month"] == "0.000"
    french = client.get(f"{base}/figures-fr.csv?{MARCH}").get_data()
    assert french.startswith("\ufeff".encode())
    (french_row,) = rows_of(french.decode("utf-8-sig"), ";")
    assert french_row["diverted_kg"] == "36,200"
    stats = client.get(f"/api/territories/{place.territory_id}/stats?{MARCH}").get_json()
    figures = stats["months"][0]["figures"]
    for column in FIGURE_COLUMNS:  # every exported figure, the same number in the API
        assert ("" if figures[column.name] is None else str(figures[column.name])) == row[
            column.name
        ], column.name


def test_the_xlsx_export_holds_numbers_and_open_data_every_breakdown(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    place = a_place(uow)
    a_sofa_reused_in_march(uow, place)
    a_viewer_of(client, uow, place)
    base = f"/api/territories/{place.territory_id}/exports"
    workbook = client.get(f"{base}/figures.xlsx?{MARCH}")
    assert workbook.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert workbook.headers["Content-Disposition"].endswith('-2026-03-2026-03-figures.xlsx"')
    sheet = load_workbook(io.BytesIO(workbook.get_data())).active
    assert sheet is not None
    header, values = (list(r) for r in sheet.iter_rows(values_only=True))
    assert Decimal(str(dict(zip(header, values, strict=True))["diverted_kg"])) == Decimal("36.2")
    open_data = client.get(f"{base}/open-data.csv?{MARCH}")
    assert open_data.headers["Content-Disposition"].endswith('-open-data.csv"')
    breakdowns = {r["breakdown"] for r in rows_of(open_data.get_data(as_text=True), ",")}
    assert breakdowns == {"total", "category", "subcategory", "site", "commune", "rep", "actor"}


def test_the_taxonomy_lists_each_subcategory_with_its_weight_filiere_and_waste_code(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    sign_in_as(client, uow, Role.RECYCLER, actor_id=a_place(uow).actor_id)
    categories = {c["slug"]: c for c in client.get("/api/categories").get_json()}
    sofa = next(
        s for s in categories["mobilier"]["subcategories"] if s["slug"] == "mobilier.canape"
    )
    assert sofa["category"] == "mobilier"
    assert Decimal(sofa["unit_kg"]) > 0
    assert sofa["ewc_code"] == "20 03 07"
    assert sofa["rep_filiere"].startswith("DEA")


def actor_ids(client: FlaskClient) -> list[int]:
    return [a["id"] for a in client.get("/api/actors?per_page=200").get_json()["items"]]


def test_the_directory_comes_a_page_at_a_time_by_name(client: FlaskClient, uow: UnitOfWork) -> None:
    place = a_place(uow, OFF_OUESSANT)  # nobody else's actors reach this far out at sea
    with uow:
        for name in ("Atelier vélo", "Ressourcerie du large"):
            an_actor(uow.session, name=name, lat=OFF_OUESSANT[0], lon=OFF_OUESSANT[1])
        uow.session.get_one(Actor, place.actor_id).name = "Emmaüs des îles"
        uow.commit()
    a_viewer_of(client, uow, place)
    first = client.get("/api/actors?per_page=2").get_json()
    assert [a["name"] for a in first["items"]] == ["Atelier vélo", "Emmaüs des îles"]
    assert first["page"] == {"page": 1, "per_page": 2, "total": 3}
    second = client.get("/api/actors?per_page=2&page=2").get_json()
    assert [a["name"] for a in second["items"]] == ["Ressourcerie du large"]
    refused = client.get("/api/actors?per_page=0")
    assert (refused.status_code, refused.mimetype) == (422, "application/problem+json")


def test_the_directory_shows_the_actors_serving_my_territory_only(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    mine, theirs = a_place(uow), a_place(uow, STRASBOURG)
    a_viewer_of(client, uow, mine)
    assert mine.actor_id in actor_ids(client)
    assert theirs.actor_id not in actor_ids(client)
    actor: dict[str, Any] = client.get(f"/api/actors/{mine.actor_id}").get_json()
    assert actor["accepts"] == [{"subcategory": "mobilier.canape", "label": actor["accepts"][0]["label"],
                                 "conditions": ["as_is", "to_repair"]}]  # fmt: skip
    assert (actor["radius_km"], actor["collection_weekdays"]) == ("30.000", [1, 2, 3, 4, 5, 6, 7])
    assert client.get(f"/api/actors/{theirs.actor_id}").status_code == 404


def test_a_recycler_sees_only_its_own_actor(client: FlaskClient, uow: UnitOfWork) -> None:
    mine, neighbour = a_place(uow), a_place(uow)
    sign_in_as(client, uow, Role.RECYCLER, actor_id=mine.actor_id)
    assert actor_ids(client) == [mine.actor_id]
    assert client.get(f"/api/actors/{neighbour.actor_id}").status_code == 404
    assert client.get("/api/territories").status_code == 403


def test_an_inactive_actor_no_longer_serves_the_territory(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    place = a_place(uow)
    with uow:
        retired = an_actor(uow.session, active=False)
        uow.commit()
        retired_id = retired.id
    a_viewer_of(client, uow, place)
    assert retired_id not in actor_ids(client)


def test_an_actor_serves_the_territory_only_when_its_radius_reaches_a_site(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    place = a_place(uow)
    north = MORLAIX[0] + 0.4, MORLAIX[1]  # about 44 km north of the site
    with uow:
        short = an_actor(uow.session, lat=north[0], lon=north[1], radius_km=Decimal("40"))
        long = an_actor(uow.session, lat=north[0], lon=north[1], radius_km=Decimal("50"))
        uow.commit()
        short_id, long_id = short.id, long.id
    a_viewer_of(client, uow, place)
    serving = actor_ids(client)
    assert long_id in serving
    assert short_id not in serving
