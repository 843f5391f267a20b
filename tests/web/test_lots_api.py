"""Lots through the JSON API: agents declare, everyone reads only their own territory's lots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select

from reuse.domain.vocabulary import Role
from reuse.models import Lot
from reuse.unit_of_work import UnitOfWork

from builders import a_site
from tests_web import csrf, sign_in_as


def a_site_and_its_agent(client: FlaskClient, uow: UnitOfWork) -> int:
    with uow:
        site = a_site(uow.session)
        uow.commit()
        site_id, territory_id = site.id, site.territory_id
    sign_in_as(client, uow, Role.AGENT, territory_id=territory_id)
    return site_id


def declaration(site_id: int, **overrides: object) -> dict[str, object]:
    return {"site_id": site_id, "subcategory": "mobilier.canape", "condition": "as_is",
            "estimated_kg": "38.5", "item_count": 1, "description": "Canapé bleu"} | overrides  # fmt: skip


def lot_count(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(Lot)) or 0


def test_an_agent_declares_a_lot_and_finds_it_with_its_timeline(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    site_id = a_site_and_its_agent(client, uow)
    created = client.post("/api/lots", json=declaration(site_id), headers=csrf(client))
    assert created.status_code == 201
    lot_id = created.get_json()["lot_id"]
    assert created.get_json()["estimated_kg"] == "38.500"
    listed = client.get("/api/lots?status=declared").get_json()
    assert [lot["id"] for lot in listed["items"]] == [lot_id]
    assert listed["page"] == {"page": 1, "per_page": 25, "total": 1}
    detail = client.get(f"/api/lots/{lot_id}").get_json()
    assert [entry["event"] for entry in detail["timeline"]] == ["LotDeclared"]
    assert detail["lot"]["deadline"] > detail["lot"]["available_from"]


def test_a_count_alone_gets_an_estimated_weight(client: FlaskClient, uow: UnitOfWork) -> None:
    site_id = a_site_and_its_agent(client, uow)
    body = declaration(site_id, subcategory="mobilier.assise", item_count=40)
    del body["estimated_kg"]
    created = client.post("/api/lots", json=body, headers=csrf(client)).get_json()
    assert created["weight_is_estimate"] is True


def test_a_bad_declaration_names_each_field_and_records_nothing(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    site_id = a_site_and_its_agent(client, uow)
    before = lot_count(uow)
    now = datetime.now(UTC)
    body = declaration(site_id, estimated_kg="-2", available_from=now.isoformat(),
                       deadline=(now - timedelta(hours=1)).isoformat())  # fmt: skip
    refused = client.post("/api/lots", json=body, headers=csrf(client))
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert set(refused.get_json()["errors"]) == {"estimated_kg", "deadline"}
    assert lot_count(uow) == before


def test_a_request_with_an_unknown_field_is_refused(client: FlaskClient, uow: UnitOfWork) -> None:
    site_id = a_site_and_its_agent(client, uow)
    refused = client.post(
        "/api/lots", json=declaration(site_id, status="closed"), headers=csrf(client)
    )
    assert refused.status_code == 422
    assert "status" in refused.get_json()["errors"]


def test_a_weight_finer_than_the_gram_is_refused_not_rounded(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    site_id = a_site_and_its_agent(client, uow)
    before = lot_count(uow)
    for weight, message in (("38.5001", "at most 3 decimals"), ("1e400", "less than")):
        body = declaration(site_id, estimated_kg=weight)
        refused = client.post("/api/lots", json=body, headers=csrf(client))
        assert refused.status_code == 422
        assert message in refused.get_json()["errors"]["estimated_kg"][0]
    assert lot_count(uow) == before


def test_a_list_with_an_unknown_query_parameter_is_refused(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    a_site_and_its_agent(client, uow)
    refused = client.get("/api/lots?statut=declared")
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert "statut" in str(refused.get_json()["errors"])


def test_an_agent_changes_then_cancels_an_unclaimed_lot(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    site_id = a_site_and_its_agent(client, uow)
    lot_id = client.post("/api/lots", json=declaration(site_id), headers=csrf(client)).get_json()[
        "lot_id"
    ]
    changed = client.patch(f"/api/lots/{lot_id}", json={"estimated_kg": "45"}, headers=csrf(client))
    assert changed.get_json()["estimated_kg"] == "45.000"
    cancel = client.post(
        f"/api/lots/{lot_id}/cancel", json={"reason": "erreur"}, headers=csrf(client)
    )
    assert cancel.status_code == 204
    again = client.post(
        f"/api/lots/{lot_id}/cancel", json={"reason": "erreur"}, headers=csrf(client)
    )
    assert again.status_code == 409


def test_another_territory_neither_sees_nor_changes_the_lot(
    client: FlaskClient, app, uow: UnitOfWork
) -> None:  # type: ignore[no-untyped-def]
    site_id = a_site_and_its_agent(client, uow)
    lot_id = client.post("/api/lots", json=declaration(site_id), headers=csrf(client)).get_json()[
        "lot_id"
    ]
    stranger = app.test_client()
    stranger.environ_base["wsgi.url_scheme"] = "https"
    a_site_and_its_agent(stranger, uow)
    assert stranger.get(f"/api/lots/{lot_id}").status_code == 404
    assert stranger.get("/api/lots").get_json()["page"]["total"] == 0
    assert (
        stranger.post(
            f"/api/lots/{lot_id}/cancel", json={"reason": "x"}, headers=csrf(stranger)
        ).status_code
        == 404
    )


def test_a_territory_viewer_reads_lots_but_cannot_declare(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    with uow:
        site = a_site(uow.session)
        uow.commit()
        site_id, territory_id = site.id, site.territory_id
    sign_in_as(client, uow, Role.TERRITORY_VIEWER, territory_id=territory_id)
    assert client.get("/api/lots").status_code == 200
    refused = client.post("/api/lots", json=declaration(site_id), headers=csrf(client))
    assert refused.status_code == 403
