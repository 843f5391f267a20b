"""The intercommunality's pages in French: the month's dashboard and its exports, the lots
explorer and the actors directory, each limited to the viewer's own territory."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from reuse.domain.vocabulary import Role
from reuse.models import Membership, Offer, User
from reuse.services.actor_directory import ActorDirectory
from reuse.services.claims import claim_offer
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.services.receptions import receive_claim, report_outcomes
from reuse.stats.months import Month
from reuse.unit_of_work import UnitOfWork

from builders import a_draft, a_recycler_of, a_site, an_actor, an_agent_of
from tests_web import field_error, sign_in_as

THIS_MONTH = Month.of(datetime.now(UTC)).label


@dataclass(frozen=True)
class Territory:
    id: int
    slug: str
    site_id: int
    actor_name: str


def a_territory_with_a_reused_sofa(
    uow: UnitOfWork, kg: str, lat: float = 48.57784, lon: float = -3.82792,
    name: str = "Déchèterie du Launay",
) -> Territory:  # fmt: skip
    """A territory whose actor received `kg` of a sofa today and reused all of it."""
    with uow:
        site = a_site(uow.session, name=name, lat=lat, lon=lon)
        actor = an_actor(uow.session, lat=lat, lon=lon, name=f"Ressourcerie de {name}")
        agent, recycler = an_agent_of(uow.session, site), a_recycler_of(uow.session, actor)
        uow.commit()
        found = Territory(site.territory_id, site.territory.slug, site.id, actor.name)
        ids = agent.id, recycler.id, actor.id
    now = datetime.now(UTC)
    draft = a_draft(estimated_kg=Decimal(kg), available_from=now, deadline=now + timedelta(days=5))
    lot_id = declare_lot(uow, by=ids[0], site_id=found.site_id, subcategory="mobilier.canape",
                         draft=draft).lot_id  # fmt: skip
    match_lot(uow, ActorDirectory(), lot_id=lot_id)  # rolled back: no index kept across tests
    with uow:
        offer_id = uow.session.scalar(select(Offer.id).where(Offer.lot_id == lot_id))
    claim = claim_offer(uow, by=ids[1], offer_id=offer_id)
    received = receive_claim(uow, by=ids[1], claim_id=claim.claim_id, measured_kg=Decimal(kg))
    report_outcomes(uow, by=ids[1], reception_id=received.reception_id,
                    lines={"reemploi": Decimal(kg)})  # fmt: skip
    return found


def test_the_dashboard_shows_the_month_s_diverted_kilograms_in_french(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    own = a_territory_with_a_reused_sofa(uow, "42.5")
    sign_in_as(client, uow, Role.TERRITORY_VIEWER, territory_id=own.id)
    response = client.get("/territoire/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "Détourné du flux de déchets" in html
    assert "42,5\u00a0kg" in html
    assert "100,0\u00a0%" in html  # diversion rate: nothing was missed
    assert "Déchèterie du Launay" in html
    assert own.actor_name in html
    assert 'role="img"' in html
    assert "<caption" in html
    assert 'scope="row"' in html


def test_every_export_holds_the_dashboard_s_figures(client: FlaskClient, uow: UnitOfWork) -> None:
    own = a_territory_with_a_reused_sofa(uow, "42.5")
    sign_in_as(client, uow, Role.TERRITORY_VIEWER, territory_id=own.id)
    query = f"?mois={THIS_MONTH}"
    french = client.get(f"/territoire/exports/csv-fr{query}")
    assert french.headers["Content-Type"].startswith("text/csv")
    french_text = french.get_data().decode("utf-8-sig")
    assert french_text.startswith("territory;month;breakdown")
    assert f"{own.slug};{THIS_MONTH};site;" in french_text
    assert ";42,500;" in french_text
    standard = client.get(f"/territoire/exports/csv{query}").get_data(as_text=True)
    assert f"{own.slug},{THIS_MONTH},actor," in standard
    assert ",42.500," in standard
    open_data = client.get(f"/territoire/exports/donnees-ouvertes{query}").get_data(as_text=True)
    assert f"{own.slug},{THIS_MONTH},rep," in open_data
    sheet = load_workbook(io.BytesIO(client.get(f"/territoire/exports/xlsx{query}").data)).active
    assert sheet is not None
    cells = [row for row in sheet.iter_rows(values_only=True) if row[2] == "total"]
    assert cells[-1][1] == THIS_MONTH
    assert Decimal(str(cells[-1][7])) == Decimal("42.5")


def test_an_unknown_export_format_is_not_found(client: FlaskClient, uow: UnitOfWork) -> None:
    own = a_territory_with_a_reused_sofa(uow, "10")
    sign_in_as(client, uow, Role.TERRITORY_VIEWER, territory_id=own.id)
    assert client.get("/territoire/exports/pdf").status_code == 404


def test_a_month_that_is_not_one_is_refused_in_french_next_to_the_field(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    own = a_territory_with_a_reused_sofa(uow, "10")
    sign_in_as(client, uow, Role.TERRITORY_VIEWER, territory_id=own.id)
    response = client.get("/territoire/?mois=treizième")
    assert response.status_code == 422
    assert "Saisissez un mois, par exemple 2026-03." in field_error(
        response.get_data(as_text=True), "mois"
    )


def test_another_territory_s_figures_lots_and_exports_are_out_of_reach(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    own = a_territory_with_a_reused_sofa(uow, "10")
    other = a_territory_with_a_reused_sofa(
        uow, "77", lat=48.58392, lon=7.74553, name="Déchèterie de Strasbourg"
    )
    sign_in_as(client, uow, Role.TERRITORY_VIEWER, territory_id=own.id)
    for url in ("/territoire/", "/territoire/exports/csv"):
        assert client.get(f"{url}?territoire={other.id}").status_code == 422, url
    assert client.get(f"/territoire/lots?territoire={other.id}").status_code == 404
    assert "77,0" not in client.get("/territoire/").get_data(as_text=True)
    assert "Strasbourg" not in client.get("/territoire/lots").get_data(as_text=True)
    refused = client.get(f"/territoire/lots?site={other.site_id}")
    assert refused.status_code == 422
    assert "Choisissez une valeur dans la liste." in field_error(
        refused.get_data(as_text=True), "site"
    )


def test_the_lots_explorer_filters_by_status_site_and_dates(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    own = a_territory_with_a_reused_sofa(uow, "10")
    sign_in_as(client, uow, Role.TERRITORY_VIEWER, territory_id=own.id)
    today = datetime.now(UTC).date()
    found = client.get(f"/territoire/lots?status=closed&site={own.site_id}&declared_from={today}")
    assert found.status_code == 200
    assert "1 lot" in found.get_data(as_text=True)
    none = client.get("/territoire/lots?status=expired").get_data(as_text=True)
    assert "Aucun lot ne correspond." in none
    backwards = client.get(
        f"/territoire/lots?declared_from={today}&declared_to={today - timedelta(days=1)}"
    )
    assert backwards.status_code == 422
    assert "Doit être le même jour ou après le premier jour." in field_error(
        backwards.get_data(as_text=True), "declared_to"
    )


def test_the_actors_directory_lists_the_actors_reaching_the_territory_with_a_map(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    own = a_territory_with_a_reused_sofa(uow, "10")
    other = a_territory_with_a_reused_sofa(
        uow, "77", lat=48.58392, lon=7.74553, name="Déchèterie de Strasbourg"
    )
    sign_in_as(client, uow, Role.TERRITORY_VIEWER, territory_id=own.id)
    html = client.get("/territoire/acteurs").get_data(as_text=True)
    assert own.actor_name in html
    assert other.actor_name not in html
    assert 'class="map-canvas"' in html
    assert "ressourcerie" in html
    assert "30&nbsp;km" in html


def test_a_viewer_who_is_also_an_agent_elsewhere_is_offered_only_the_territory_it_views(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    viewed = a_territory_with_a_reused_sofa(uow, "12")
    with uow:
        other = a_site(uow.session, name="Déchèterie d’ailleurs")
        uow.commit()
        other_territory = other.territory_id
    user_id = sign_in_as(client, uow, Role.TERRITORY_VIEWER, territory_id=viewed.id)
    with uow:
        user = uow.session.get(User, user_id)
        assert user is not None
        user.memberships.append(Membership(role=Role.AGENT.value, territory_id=other_territory))
        uow.commit()
    response = client.get("/territoire/")
    assert response.status_code == 200
    assert "12\u00a0kg" in response.get_data(as_text=True)
    assert client.get(f"/territoire/?territoire={other_territory}").status_code == 422
