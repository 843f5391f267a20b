"""The claim chain through the JSON API: offers, claims, pickups, releases and no-shows."""

from __future__ import annotations

import hashlib
import json

import pytest
from flask.testing import FlaskClient
from recycler_scene import Scene, a_scene, next_day, next_open_day
from sqlalchemy import func, select

from reuse.domain.vocabulary import Role
from reuse.models import Claim
from reuse.services.idempotency import reserve
from reuse.unit_of_work import UnitOfWork

from builders import a_territory
from tests_web import csrf, sign_in_as


@pytest.fixture
def scene(uow: UnitOfWork) -> Scene:
    return a_scene(uow)


def as_recycler(client: FlaskClient, uow: UnitOfWork, scene: Scene, n: int = 0) -> int:
    return sign_in_as(client, uow, Role.RECYCLER, actor_id=scene.actors[n])


def claim_count(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(Claim)) or 0


def claim(client: FlaskClient, scene: Scene, body: object, n: int = 0, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/offers/{scene.offers[n]}/claims", json=body, headers=csrf(client) | headers
    )


def test_a_recycler_lists_its_actors_offers_with_reasons_and_the_lot(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    listed = client.get("/api/offers?status=open").get_json()
    assert [o["id"] for o in listed["items"]] == [scene.offers[0]]
    assert listed["page"] == {"page": 1, "per_page": 25, "total": 1}
    offer = client.get(f"/api/offers/{scene.offers[0]}").get_json()
    assert offer["reasons"]
    assert offer["lot"]["estimated_kg"] == "200.000"
    assert offer["lot"]["deadline"] > offer["lot"]["available_from"]
    assert client.get("/api/offers?status=claimed").get_json()["items"] == []


def test_another_actors_offer_is_not_found_and_cannot_be_claimed(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    hidden = client.get(f"/api/offers/{scene.offers[1]}")
    assert hidden.status_code == 404
    assert hidden.mimetype == "application/problem+json"
    refused = claim(client, scene, {"kg": "10"}, n=1)
    assert refused.status_code == 403
    assert claim_count(uow) == 0


def test_a_recycler_claims_a_part_then_the_rest_of_a_lot(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    part = claim(client, scene, {"items": 10})
    assert part.status_code == 201
    assert part.get_json()["kg"] == "50.000"
    assert part.get_json()["lot_status"] == "partially_claimed"
    rest = claim(client, scene, {})
    assert rest.get_json()["kg"] == "150.000"
    assert rest.get_json()["lot_remaining_kg"] == "0.000"


def test_a_claim_beyond_what_is_left_is_a_conflict_that_says_what_is_left(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    assert claim(client, scene, {"kg": "150"}).status_code == 201
    other = FlaskClient(client.application)
    other.environ_base["wsgi.url_scheme"] = "https"
    as_recycler(other, uow, scene, n=1)
    refused = claim(other, scene, {"kg": "80"}, n=1)
    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    assert "only 50.000 kg of this lot are left" in refused.get_json()["detail"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"kg": "-3"}, {"kg"}),
        ({"kg": "5", "items": 1}, {"kg"}),
        ({"items": 41}, {"items"}),
        ({"kg": "abc"}, {"kg"}),
        ({"colour": "blue"}, {"colour"}),
    ],
)
def test_a_bad_claim_names_its_field_and_records_nothing(
    client: FlaskClient, uow: UnitOfWork, scene: Scene, body: dict[str, object], fields: set[str]
) -> None:
    as_recycler(client, uow, scene)
    refused = claim(client, scene, body)
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert set(refused.get_json()["errors"]) == fields
    assert claim_count(uow) == 0


def test_the_same_idempotency_key_and_body_replays_the_first_claim(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    first = claim(client, scene, {"kg": "20"}, **{"Idempotency-Key": "claim-1"})
    again = claim(client, scene, {"kg": "20"}, **{"Idempotency-Key": "claim-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert claim_count(uow) == 1


def test_the_same_idempotency_key_with_another_body_is_refused(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    claim(client, scene, {"kg": "20"}, **{"Idempotency-Key": "claim-1"})
    refused = claim(client, scene, {"kg": "30"}, **{"Idempotency-Key": "claim-1"})
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert set(refused.get_json()["errors"]) == {"Idempotency-Key"}
    assert claim_count(uow) == 1


def test_a_duplicate_sent_while_the_first_claim_runs_is_a_conflict(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    user_id = as_recycler(client, uow, scene)
    path, body = f"/api/offers/{scene.offers[0]}/claims", json.dumps({"kg": "20"}).encode()
    running = hashlib.sha256(f"POST {path}\n".encode() + body).hexdigest()
    reserve(uow, user_id=user_id, key="claim-1", fingerprint=running)  # the first, still running
    refused = client.post(path, data=body, content_type="application/json",
                          headers=csrf(client) | {"Idempotency-Key": "claim-1"})  # fmt: skip
    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    assert claim_count(uow) == 0


def test_a_recycler_books_then_moves_its_pickup_on_open_days_only(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    claim_id = claim(client, scene, {"kg": "20"}).get_json()["claim_id"]
    for slot in (next_open_day(), next_open_day().replace(hour=15)):
        booked = client.post(f"/api/claims/{claim_id}/pickup",
                             json={"pickup_at": slot.isoformat()}, headers=csrf(client))  # fmt: skip
        assert booked.status_code == 200
    shown = client.get(f"/api/claims/{claim_id}").get_json()
    assert shown["pickup_at"].startswith(next_open_day().date().isoformat())
    sunday = next_day(7).isoformat()
    refused = client.post(f"/api/claims/{claim_id}/pickup", json={"pickup_at": sunday},
                          headers=csrf(client))  # fmt: skip
    assert refused.status_code == 422
    assert "closed on Sunday" in refused.get_json()["errors"]["pickup_at"][0]


def test_a_released_claim_gives_its_kilograms_back_and_cannot_be_released_twice(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    claim_id = claim(client, scene, {"kg": "20"}).get_json()["claim_id"]
    url = f"/api/claims/{claim_id}/release"
    released = client.post(url, json={"reason": "camion en panne"}, headers=csrf(client))
    assert released.get_json()["lot_remaining_kg"] == "200.000"
    again = client.post(url, json={}, headers=csrf(client))
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"


def test_the_sites_agent_sees_who_comes_when_and_records_a_no_show(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    claim_id = claim(client, scene, {"kg": "20"}).get_json()["claim_id"]
    agent = FlaskClient(client.application)
    agent.environ_base["wsgi.url_scheme"] = "https"
    sign_in_as(agent, uow, Role.AGENT, territory_id=scene.territory_id)
    listed = agent.get(f"/api/claims?lot_id={scene.lot_id}&status=active").get_json()
    assert [c["id"] for c in listed["items"]] == [claim_id]
    recorded = agent.post(f"/api/claims/{claim_id}/no-show", headers=csrf(agent))
    assert recorded.status_code == 200
    assert recorded.get_json()["status"] == "no_show"
    assert client.get(f"/api/claims/{claim_id}").get_json()["status"] == "no_show"


def test_an_agent_of_another_territory_neither_sees_nor_marks_the_claim(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    claim_id = claim(client, scene, {"kg": "20"}).get_json()["claim_id"]
    stranger = FlaskClient(client.application)
    stranger.environ_base["wsgi.url_scheme"] = "https"
    with uow:
        elsewhere = a_territory(uow.session).id
        uow.commit()
    sign_in_as(stranger, uow, Role.AGENT, territory_id=elsewhere)
    assert stranger.get("/api/claims").get_json()["items"] == []
    assert stranger.get(f"/api/claims/{claim_id}").status_code == 404
    assert (
        stranger.post(f"/api/claims/{claim_id}/no-show", headers=csrf(stranger)).status_code == 404
    )


def test_claims_come_by_pages_with_their_total(
    client: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    as_recycler(client, uow, scene)
    made = [claim(client, scene, {"kg": "20"}).get_json()["claim_id"] for _ in range(3)]
    second = client.get("/api/claims?per_page=2&page=2").get_json()
    assert second["page"] == {"page": 2, "per_page": 2, "total": 3}
    assert [c["id"] for c in second["items"]] == made[2:]
    refused = client.get("/api/claims?per_page=0&status=lost")
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"per_page", "status"}
