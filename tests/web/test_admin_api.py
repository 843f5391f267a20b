"""Administration through the JSON API: admins shape the platform, refusals name their fields
in problem+json and write nothing, and nobody else gets in."""

from __future__ import annotations

import io
import uuid
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from reuse.domain.vocabulary import Role
from reuse.models import Actor, Commune, FactorSet, Site, User
from reuse.unit_of_work import UnitOfWork

from builders import a_site, unique
from tests_web import PASSWORD, csrf, sign_in_as


@pytest.fixture
def admin(client: FlaskClient, uow: UnitOfWork) -> dict[str, str]:
    """The client signed in as an admin; the headers its writes carry."""
    sign_in_as(client, uow, Role.ADMIN)
    return csrf(client)


def count(uow: UnitOfWork, model: Any) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def a_site_of_a_territory(uow: UnitOfWork) -> tuple[int, int, str]:
    with uow:
        site = a_site(uow.session)
        uow.commit()
        return site.territory_id, site.id, site.commune_insee


def refused_fields(response: Any, status: int = 422) -> set[str]:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    return set(response.get_json()["errors"])


def test_an_admin_creates_a_territory_and_changes_its_matching_waves(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    body = {"slug": unique("epci"), "name": "Pays de Landivisiau",
            "siren": str(uuid.uuid4().int)[:9]}  # fmt: skip
    created = client.post("/api/admin/territories", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    territory = created.get_json()
    assert (territory["wave_size"], territory["communes"]) == (3, [])
    changed = client.patch(f"/api/admin/territories/{territory['id']}",
                           json={"wave_size": 5, "hold_window_minutes": 60}, headers=admin)  # fmt: skip
    assert (changed.get_json()["wave_size"], changed.get_json()["hold_window_minutes"]) == (5, 60)
    assert client.get(f"/api/territories/{territory['id']}").get_json()["name"] == body["name"]


def test_a_bad_territory_is_refused_field_by_field(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    body = {"slug": "Pas bon", "name": "", "siren": "12AB", "wave_size": 0, "colour": "red"}
    assert refused_fields(client.post("/api/admin/territories", json=body, headers=admin)) == {
        "colour"
    }
    del body["colour"]
    assert refused_fields(client.post("/api/admin/territories", json=body, headers=admin)) == {
        "slug", "name", "siren", "wave_size",
    }  # fmt: skip


def test_an_admin_adds_a_commune_that_a_new_territory_then_groups(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    with uow:
        taken = set(uow.session.scalars(select(Commune.insee)))
    code = next(str(n) for n in range(95000, 99999) if str(n) not in taken)
    commune = {"insee": code, "name": "Plounéour-Ménez", "lat": 48.44, "lon": -3.89,
               "population": 1300}  # fmt: skip
    created = client.post("/api/admin/communes", json=commune, headers=admin)
    assert created.status_code == 201, created.get_json()
    assert created.get_json() == commune
    territory = {"slug": unique("epci"), "name": "Monts d'Arrée", "siren": str(uuid.uuid4().int)[:9],
                 "communes": [code]}  # fmt: skip
    grouped = client.post("/api/admin/territories", json=territory, headers=admin)
    assert grouped.status_code == 201, grouped.get_json()
    assert grouped.get_json()["communes"] == [code]
    assert refused_fields(client.post("/api/admin/communes", json=commune, headers=admin)) == {
        "insee"
    }


def test_a_bad_commune_is_refused_field_by_field_and_not_written(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    before = count(uow, Commune)
    bad = {"insee": "2915", "name": " ", "lat": 91.0, "lon": -3.89, "population": -1}
    refused = client.post("/api/admin/communes", json=bad, headers=admin)
    assert refused_fields(refused) == {"insee", "name", "lat", "population"}
    unknown = client.post("/api/admin/communes", json={**bad, "mayor": "x"}, headers=admin)
    assert "mayor" in refused_fields(unknown)
    assert count(uow, Commune) == before


def test_an_admin_adds_a_site_and_agents_see_it(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    territory_id, _, insee = a_site_of_a_territory(uow)
    body = {"slug": unique("site"), "territory_id": territory_id, "name": "Déchèterie du Vern",
            "commune_insee": insee, "lat": 48.6, "lon": -3.9, "opening_weekdays": [2, 4, 6]}  # fmt: skip
    created = client.post("/api/admin/sites", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    site_id = created.get_json()["id"]
    closed = client.patch(f"/api/admin/sites/{site_id}", json={"active": False}, headers=admin)
    assert closed.get_json()["active"] is False
    sites = client.get(f"/api/territories/{territory_id}/sites").get_json()
    assert {s["id"]: s["opening_weekdays"] for s in sites}[site_id] == [2, 4, 6]


def test_a_site_in_a_commune_of_another_territory_is_refused_and_not_written(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    territory_id, site_id, _ = a_site_of_a_territory(uow)
    _, _, foreign = a_site_of_a_territory(uow)
    before = count(uow, Site)
    body = {"slug": unique("site"), "territory_id": territory_id, "name": "Ailleurs",
            "commune_insee": foreign, "lat": 48.6, "lon": 200, "opening_weekdays": [9]}  # fmt: skip
    assert refused_fields(client.post("/api/admin/sites", json=body, headers=admin)) == {
        "opening_weekdays.0"
    }
    body["opening_weekdays"] = [1]
    assert refused_fields(client.post("/api/admin/sites", json=body, headers=admin)) == {
        "commune_insee", "lon",
    }  # fmt: skip
    assert count(uow, Site) == before
    missing = client.patch("/api/admin/sites/999999", json={"name": "x"}, headers=admin)
    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")
    moved = client.patch(f"/api/admin/sites/{site_id}", json={"territory_id": 1}, headers=admin)
    assert refused_fields(moved) == {"territory_id"}


def an_actor_body(**overrides: Any) -> dict[str, Any]:
    return {"slug": unique("actor"), "name": "Emmaüs test", "kind": "emmaus",
            "commune_insee": "29151", "commune_name": "Morlaix", "lat": 48.58, "lon": -3.83,
            "radius_km": "40", "weekly_capacity_kg": "3000", "collection_weekdays": [1, 3],
            "contact_email": "offres@emmaus.example.org",
            "accepts": [{"subcategory": "mobilier.canape", "conditions": ["as_is"]},
                        {"subcategory": "gros_electromenager.froid", "conditions": ["for_parts"]}],
            } | overrides  # fmt: skip


def test_an_admin_creates_an_actor_then_deactivates_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    created = client.post("/api/admin/actors", json=an_actor_body(), headers=admin)
    assert created.status_code == 201, created.get_json()
    actor = created.get_json()
    assert [(a["subcategory"], a["conditions"]) for a in actor["accepts"]] == [
        ("gros_electromenager.froid", ["for_parts"]),
        ("mobilier.canape", ["as_is"]),
    ]
    assert (actor["radius_km"], actor["contact_email"]) == ("40.000", "offres@emmaus.example.org")
    changed = client.patch(f"/api/admin/actors/{actor['id']}",
                           json={"active": False, "weekly_capacity_kg": "2500.5"}, headers=admin)  # fmt: skip
    assert (changed.get_json()["active"], changed.get_json()["weekly_capacity_kg"]) == (
        False, "2500.500",
    )  # fmt: skip
    assert client.get(f"/api/actors/{actor['id']}").get_json()["active"] is False


def test_a_bad_actor_is_refused_field_by_field_and_not_written(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    before = count(uow, Actor)
    body = an_actor_body(kind="shop", accepts=[{"subcategory": "x", "conditions": ["shiny"]}])
    assert refused_fields(client.post("/api/admin/actors", json=body, headers=admin)) == {
        "kind", "accepts.0.conditions.0",
    }  # fmt: skip
    body = an_actor_body(radius_km="0", collection_weekdays=[], contact_email="nope",
                         accepts=[{"subcategory": "mobilier.licorne", "conditions": ["as_is"]}])  # fmt: skip
    assert refused_fields(client.post("/api/admin/actors", json=body, headers=admin)) == {
        "radius_km", "collection_weekdays", "contact_email", "accepts",
    }  # fmt: skip
    assert count(uow, Actor) == before


def test_an_admin_creates_a_viewer_who_signs_in_then_deactivates_them(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    territory_id, _, _ = a_site_of_a_territory(uow)
    email = f"{unique('viewer')}@example.org"
    body = {"email": email, "display_name": "Vera Viewer", "password": PASSWORD,
            "memberships": [{"role": "territory_viewer", "territory_id": territory_id}]}  # fmt: skip
    created = client.post("/api/admin/users", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    user = created.get_json()
    assert "password" not in user
    assert user["memberships"] == [{"role": "territory_viewer", "territory_id": territory_id,
                                    "site_id": None, "actor_id": None}]  # fmt: skip
    found = client.get("/api/admin/users", query_string={"q": email.upper()}).get_json()
    assert [u["email"] for u in found["items"]] == [email]
    assert found["page"] == {"page": 1, "per_page": 25, "total": 1}
    off = client.patch(f"/api/admin/users/{user['id']}", json={"active": False}, headers=admin)
    assert off.get_json()["active"] is False
    other = client.application.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    signed = other.post("/api/session", json={"email": email, "password": PASSWORD},
                        headers=csrf(other))  # fmt: skip
    assert signed.status_code == 403


def test_the_user_list_filters_by_role_a_page_at_a_time_and_refuses_an_unknown_role(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    territory_id, _, _ = a_site_of_a_territory(uow)
    team = unique("liste")
    for n in range(3):
        body = {"email": f"{team}-{n}@example.org", "display_name": f"Vera {n}",
                "password": PASSWORD,
                "memberships": [{"role": "territory_viewer", "territory_id": territory_id}]}  # fmt: skip
        assert client.post("/api/admin/users", json=body, headers=admin).status_code == 201
    second = client.get("/api/admin/users", query_string={
        "q": team, "role": "territory_viewer", "per_page": 2, "page": 2}).get_json()  # fmt: skip
    assert [u["email"] for u in second["items"]] == [f"{team}-2@example.org"]
    assert second["page"] == {"page": 2, "per_page": 2, "total": 3}
    assert client.get("/api/admin/users", query_string={"q": team, "role": "agent"}).get_json()[
        "page"]["total"] == 0  # fmt: skip
    refused = client.get("/api/admin/users", query_string={"role": "owner", "colour": "red"})
    assert refused.status_code == 422
    assert refused.content_type == "application/problem+json"
    assert refused_fields(refused) == {"role", "colour"}


def test_a_user_with_a_role_missing_its_tenant_is_refused_and_not_written(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    before = count(uow, User)
    body = {"email": "not-an-email", "display_name": "X", "password": "short",
            "memberships": [{"role": "recycler"}, {"role": "agent", "actor_id": 1}]}  # fmt: skip
    assert refused_fields(client.post("/api/admin/users", json=body, headers=admin)) == {
        "email", "password", "memberships.0.actor_id", "memberships.1.actor_id",
    }  # fmt: skip
    assert count(uow, User) == before


def test_an_admin_changes_a_unit_weight_and_the_taxonomy_shows_it(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    slug = unique("musique").replace("-", "_")
    assert client.post("/api/admin/categories", json={"slug": slug, "label": "Musique"},
                       headers=admin).status_code == 201  # fmt: skip
    body = {"slug": f"{slug}.guitare", "category": slug, "label": "Guitares", "unit_kg": "3.5",
            "min_item_kg": "1", "max_item_kg": "12", "rep_filiere": "ASL", "ewc_code": "20 03 07"}  # fmt: skip
    created = client.post("/api/admin/subcategories", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    changed = client.patch(f"/api/admin/subcategories/{slug}.guitare",
                           json={"unit_kg": "4.2", "reusable": False}, headers=admin)  # fmt: skip
    assert (changed.get_json()["unit_kg"], changed.get_json()["reusable"]) == ("4.200", False)
    renamed = client.patch(f"/api/admin/categories/{slug}", json={"label": "Instruments"},
                           headers=admin)  # fmt: skip
    assert renamed.get_json()["label"] == "Instruments"
    taxonomy = {c["slug"]: c for c in client.get("/api/categories").get_json()}
    assert [s["unit_kg"] for s in taxonomy[slug]["subcategories"]] == ["4.200"]


def test_a_unit_weight_outside_its_bounds_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    response = client.patch("/api/admin/subcategories/mobilier.canape",
                            json={"min_item_kg": "500"}, headers=admin)  # fmt: skip
    assert refused_fields(response) == {"unit_kg"}
    missing = client.patch("/api/admin/categories/nope", json={"label": "x"}, headers=admin)
    assert missing.status_code == 404


FACTORS = (files("reuse.refdata") / "data" / "co2_factors_v1.csv").read_text(encoding="utf-8")


def upload(client: FlaskClient, headers: dict[str, str], version: str, text: str) -> Any:
    query = urlencode({"version": version, "label": f"Facteurs {version}"})
    form = {"file": (io.BytesIO(text.encode()), "factors.csv", "text/csv")}
    return client.post(f"/api/admin/factor-sets?{query}", data=form, headers=headers,
                       content_type="multipart/form-data")  # fmt: skip


def test_an_admin_uploads_a_new_factor_set_version_once(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    version = "t" + uuid.uuid4().hex[:8]
    added = upload(client, admin, version, FACTORS)
    assert added.status_code == 201, added.get_json()
    assert (added.get_json()["version"], added.get_json()["factors"]) == (
        version,
        FACTORS.count("\n") - 1,
    )
    assert client.get("/api/admin/factor-sets").get_json()[0]["version"] == version
    again = upload(client, admin, version, FACTORS)
    assert (again.status_code, again.mimetype) == (409, "application/problem+json")


def test_a_factor_file_that_is_not_the_expected_csv_adds_nothing(
    client: FlaskClient, uow: UnitOfWork, admin: dict[str, str]
) -> None:
    before = count(uow, FactorSet)
    assert refused_fields(upload(client, admin, "v77", "slug;factor\nx;1\n")) == {"file"}
    unknown = FACTORS.replace("mobilier.assise", "mobilier.licorne")
    assert refused_fields(upload(client, admin, "v78", unknown)) == {"subcategory_slug"}
    assert refused_fields(upload(client, admin, "v 79", FACTORS)) == {"version"}
    no_file = client.post("/api/admin/factor-sets?version=v80&label=x", headers=admin)
    assert refused_fields(no_file) == {"file"}
    assert count(uow, FactorSet) == before


@pytest.mark.parametrize("role", [Role.AGENT, Role.TERRITORY_VIEWER, Role.RECYCLER])
def test_nobody_but_an_admin_administers(client: FlaskClient, uow: UnitOfWork, role: Role) -> None:
    territory_id, site_id, _ = a_site_of_a_territory(uow)
    sign_in_as(client, uow, role, territory_id=territory_id)
    refused = client.patch(f"/api/admin/sites/{site_id}", json={"name": "Pris"},
                           headers=csrf(client))  # fmt: skip
    assert (refused.status_code, refused.mimetype) == (403, "application/problem+json")
    assert client.get("/api/admin/users").status_code == 403
