"""The admin's pages in French: territories, sites, actors, users, categories and factor sets
are changed through the administration use cases; a refusal is shown next to its field and
writes nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

import reuse.refdata
from reuse.domain.vocabulary import Role
from reuse.models import Actor, Commune, FactorSet, Site, Territory, User
from reuse.unit_of_work import UnitOfWork

from builders import a_site, a_user, an_actor, unique
from tests_web import field_error, page_token, sign_in_as

SHIPPED = Path(reuse.refdata.__file__).parent / "data"


@pytest.fixture
def admin(client: FlaskClient, uow: UnitOfWork) -> FlaskClient:
    sign_in_as(client, uow, Role.ADMIN)
    return client


def post(client: FlaskClient, url: str, **data: Any):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": page_token(client, url)} | data)


def count(uow: UnitOfWork, model: type[Any]) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def a_place(uow: UnitOfWork) -> tuple[int, int, str]:
    with uow:
        site = a_site(uow.session, name="Déchèterie du Launay")
        uow.commit()
        return site.territory_id, site.id, site.commune_insee


def test_each_admin_page_is_in_french(admin: FlaskClient, uow: UnitOfWork) -> None:
    territory_id, site_id, _ = a_place(uow)
    with uow:
        actor_id = an_actor(uow.session, name="Ressourcerie du Pays de Morlaix").id
        uow.commit()
    expected = {
        "/admin/": "Ajouter un territoire",
        f"/admin/territoires/{territory_id}": "Déchèterie du Launay",
        f"/admin/territoires/{territory_id}/sites/nouveau": "Jours d’ouverture",
        f"/admin/territoires/{territory_id}/sites/{site_id}": "Déchèterie du Launay",
        "/admin/acteurs": "Ressourcerie du Pays de Morlaix",
        "/admin/acteurs/nouveau": "Ce que l’acteur accepte",
        f"/admin/acteurs/{actor_id}": "Canapé",
        "/admin/utilisateurs": "Ajouter un utilisateur",
        "/admin/categories": "Mobilier",
        "/admin/facteurs": "Charger une nouvelle version",
        "/admin/communes/nouvelle": "Latitude de la mairie",
    }
    for url, text in expected.items():
        response = admin.get(url)
        assert response.status_code == 200, url
        assert '<html lang="fr">' in response.get_data(as_text=True)
        assert text in response.get_data(as_text=True), url


def test_a_territory_added_through_the_form_is_listed(admin: FlaskClient, uow: UnitOfWork) -> None:
    sent = post(admin, "/admin/", slug="haut-leon", name="Haut-Léon Communauté",
                siren="200067072", wave_size="3", wave_growth="3", hold_window_minutes="120",
                communes="")  # fmt: skip
    assert sent.status_code == 302
    assert "Haut-Léon Communauté" in admin.get("/admin/").get_data(as_text=True)


def test_a_refused_territory_shows_the_french_reason_next_to_the_field_and_adds_nothing(
    admin: FlaskClient, uow: UnitOfWork
) -> None:
    before = count(uow, Territory)
    refused = post(admin, "/admin/", slug="Pas Un Slug", name="X", siren="12",
                   wave_size="0", wave_growth="3", hold_window_minutes="120", communes="99999")  # fmt: skip
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert field_error(html, "wave_size") == "Erreur : Saisissez un nombre entier entre 1 et 50."
    assert count(uow, Territory) == before


def test_the_use_case_s_refusals_are_shown_next_to_their_fields(
    admin: FlaskClient, uow: UnitOfWork
) -> None:
    before = count(uow, Territory)
    refused = post(admin, "/admin/", slug="Pas Un Slug", name="X", siren="12", wave_size="3",
                   wave_growth="3", hold_window_minutes="120", communes="99999")  # fmt: skip
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "minuscules" in field_error(html, "slug")
    assert "9 chiffres" in field_error(html, "siren")
    assert "inconnu" in field_error(html, "communes")
    assert count(uow, Territory) == before


def test_a_site_s_opening_days_and_place_are_changed(admin: FlaskClient, uow: UnitOfWork) -> None:
    territory_id, site_id, insee = a_place(uow)
    url = f"/admin/territoires/{territory_id}/sites/{site_id}"
    sent = post(admin, url, name="Déchèterie du Launay", commune_insee=insee, lat="48,6",
                lon="-3,8", opening_weekdays=["2", "4"], active="y")  # fmt: skip
    assert sent.status_code == 302
    with uow:
        site = uow.session.get(Site, site_id)
        assert site is not None
        assert (site.opening_weekdays, site.lat) == ([2, 4], 48.6)


def test_an_actor_is_added_with_what_it_accepts(admin: FlaskClient, uow: UnitOfWork) -> None:
    sent = post(admin, "/admin/acteurs/nouveau", slug="atelier-velo-test", name="Atelier vélo",
                kind="bike_workshop", commune_insee="29151", commune_name="Morlaix", lat="48,58",
                lon="-3,83", radius_km="25", weekly_capacity_kg="500",
                collection_weekdays=["3"], active="y",
                **{"accepte:sport_loisirs.velo": ["as_is", "to_repair"]})  # fmt: skip
    assert sent.status_code == 302, field_error(sent.get_data(as_text=True), "radius_km")
    with uow:
        actor = uow.session.scalar(select(Actor).where(Actor.slug == "atelier-velo-test"))
        assert actor is not None
        assert sorted(a.condition for a in actor.accepts) == ["as_is", "to_repair"]


def test_a_refused_actor_shows_its_french_reasons_and_is_not_changed(
    admin: FlaskClient, uow: UnitOfWork
) -> None:
    with uow:
        actor = an_actor(uow.session, name="Ressourcerie test")
        uow.commit()
        actor_id = actor.id
    refused = post(admin, f"/admin/acteurs/{actor_id}", name="Ressourcerie renommée",
                   kind="ressourcerie", commune_insee="29151", commune_name="Morlaix",
                   lat="48,58", lon="-3,83", radius_km="beaucoup", weekly_capacity_kg="2000",
                   collection_weekdays=["1"], active="y")  # fmt: skip
    assert refused.status_code == 422
    assert "Saisissez un nombre" in field_error(refused.get_data(as_text=True), "radius_km")
    with uow:
        assert uow.session.get(Actor, actor_id).name == "Ressourcerie test"  # type: ignore[union-attr]


def test_a_user_is_created_with_a_role_and_an_admin_cannot_lock_themselves_out(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    admin_id = sign_in_as(client, uow, Role.ADMIN)
    territory_id, _, _ = a_place(uow)
    sent = post(client, "/admin/utilisateurs", email="lea@morlaix.example", display_name="Léa",
                password="un mot de passe sûr", role="territory_viewer",
                territory_id=str(territory_id), site_id="0", actor_id="0")  # fmt: skip
    assert sent.status_code == 302
    with uow:
        user = uow.session.scalar(select(User).where(User.email == "lea@morlaix.example"))
        assert user is not None
        assert [m.role for m in user.memberships] == ["territory_viewer"]
    refused = post(client, f"/admin/utilisateurs/{admin_id}", display_name="Moi",
                   role="", territory_id="0", site_id="0", actor_id="0")  # fmt: skip
    assert refused.status_code == 422
    assert "Vous ne pouvez pas vous désactiver vous-même." in field_error(
        refused.get_data(as_text=True), "active"
    )
    dropped = post(client, f"/admin/utilisateurs/{admin_id}", display_name="Moi", active="y",
                   role="", territory_id="0", site_id="0", actor_id="0")  # fmt: skip
    assert dropped.status_code == 422
    assert "propre rôle d’administrateur" in dropped.get_data(as_text=True)
    with uow:
        assert [m.role for m in uow.session.get(User, admin_id).memberships] == ["admin"]  # type: ignore[union-attr]


def test_the_users_page_finds_users_by_name_or_role_fifty_at_a_time(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    sign_in_as(client, uow, Role.ADMIN)
    team = unique("Équipe")
    with uow:
        for n in range(51):
            a_user(
                uow.session, Role.RECYCLER, actor_id=an_actor(uow.session).id
            ).display_name = f"{team} {n:02d}"
        uow.commit()
    first = client.get("/admin/utilisateurs", query_string={"q": team.lower()})
    page = first.get_data(as_text=True)
    assert "51 utilisateurs" in page
    assert page.count(f"<td>{team} ") == 50
    assert f'href="/admin/utilisateurs?page=2&amp;{urlencode({"q": team.lower()})}"' in page
    second = client.get("/admin/utilisateurs", query_string={"q": team.lower(), "page": 2})
    assert second.get_data(as_text=True).count(f"<td>{team} ") == 1
    agents = client.get("/admin/utilisateurs", query_string={"q": team, "role": "agent"})
    assert "Aucun utilisateur ne correspond." in agents.get_data(as_text=True)


def test_a_user_s_page_shows_that_user_and_an_unknown_user_is_not_found(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    sign_in_as(client, uow, Role.ADMIN)
    with uow:
        agent = a_user(uow.session, Role.AGENT)
        uow.commit()
        agent_id, email = agent.id, agent.email
    shown = client.get(f"/admin/utilisateurs/{agent_id}")
    assert shown.status_code == 200
    assert email in shown.get_data(as_text=True)
    assert client.get(f"/admin/utilisateurs/{agent_id + 1000}").status_code == 404


def test_a_factor_set_is_loaded_once_and_a_second_load_of_its_version_is_refused(
    admin: FlaskClient, uow: UnitOfWork
) -> None:
    text = (SHIPPED / "co2_factors_v1.csv").read_bytes()
    url = "/admin/facteurs"

    def load(version: str):  # type: ignore[no-untyped-def]
        return admin.post(url, data={"csrf_token": page_token(admin, url), "version": version,
                                     "label": "Facteurs test", "file": (io.BytesIO(text), "f.csv")},
                          content_type="multipart/form-data")  # fmt: skip

    assert load("v7").status_code == 302
    refused = load("v7")
    assert refused.status_code == 422
    assert "déjà" in field_error(refused.get_data(as_text=True), "version")
    assert count(uow, FactorSet) >= 2


def test_an_admin_adds_a_missing_commune_and_a_bad_code_is_refused_in_french(
    admin: FlaskClient, uow: UnitOfWork
) -> None:
    url = "/admin/communes/nouvelle"
    before = count(uow, Commune)
    refused = post(admin, url, insee="2915", name="Plounéour-Ménez", lat="48,44", lon="-3,89")
    assert refused.status_code == 422
    assert "Un code INSEE compte 5 caractères" in field_error(
        refused.get_data(as_text=True), "insee"
    )
    assert count(uow, Commune) == before
    code = free_insee(uow)
    added = post(admin, url, insee=code, name="Plounéour-Ménez", lat="48,44", lon="-3,89",
                 population="1300")  # fmt: skip
    assert added.status_code == 302
    assert "un territoire peut maintenant la regrouper" in admin.get("/admin/").get_data(
        as_text=True
    )
    with uow:
        commune = uow.session.get_one(Commune, code)
        assert (commune.name, commune.lat, commune.lon, commune.population) == (
            "Plounéour-Ménez", 48.44, -3.89, 1300,
        )  # fmt: skip
        assert commune.territory_id is None
    again = post(admin, url, insee=code, name="Doublon", lat="48", lon="-3")
    assert "Cette commune existe déjà" in field_error(again.get_data(as_text=True), "insee")


def free_insee(uow: UnitOfWork) -> str:
    """An INSEE-shaped code no commune holds (outside Finistère's 29…)."""
    with uow:
        taken = set(uow.session.scalars(select(Commune.insee)))
    return next(
        code
        for n in range(10000, 99999)
        if (code := str(n)) not in taken and not code.startswith("29")
    )


def test_the_actors_list_comes_fifty_at_a_time_by_name(admin: FlaskClient, uow: UnitOfWork) -> None:
    with uow:
        for n in range(51):
            an_actor(uow.session, name=f"Acteur de la liste {n:02d}")
        uow.commit()
    total = count(uow, Actor)
    first = admin.get("/admin/acteurs").get_data(as_text=True)
    assert f"{total} acteurs du réemploi" in first.replace("\u202f", " ")
    assert first.split("<tbody>")[1].count("<tr>") == 50
    assert 'href="/admin/acteurs?page=2"' in first
    last_page = (total + 49) // 50
    last = admin.get(f"/admin/acteurs?page={last_page}").get_data(as_text=True)
    assert last.split("<tbody>")[1].count("<tr>") == total - 50 * (last_page - 1)
