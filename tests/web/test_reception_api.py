"""After the pickup, through the JSON API: weighing, outcomes, notifications, webhook, impact."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from recycler_scene import Scene, a_scene
from sqlalchemy import func, select

from reuse.domain.vocabulary import Role
from reuse.models import Reception
from reuse.runtime import Runtime
from reuse.services.notifications import notify_offers
from reuse.stats import Month
from reuse.unit_of_work import UnitOfWork
from reuse.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

from tests_web import csrf, sign_in_as


@pytest.fixture
def scene(uow: UnitOfWork) -> Scene:
    return a_scene(uow)


@pytest.fixture
def recycler(client: FlaskClient, uow: UnitOfWork, scene: Scene) -> FlaskClient:
    """The client signed in as a recycler of the scene's first actor."""
    sign_in_as(client, uow, Role.RECYCLER, actor_id=scene.actors[0])
    return client


def post(client: FlaskClient, url: str, body: object = None) -> Any:
    return client.post(url, json=body, headers=csrf(client))


def a_claim(client: FlaskClient, scene: Scene, kg: str = "50") -> int:
    claimed = post(client, f"/api/offers/{scene.offers[0]}/claims", {"kg": kg})
    return int(claimed.get_json()["claim_id"])


def a_reception(client: FlaskClient, scene: Scene, kg: str = "48") -> int:
    claim_id = a_claim(client, scene)
    received = post(client, f"/api/claims/{claim_id}/reception", {"measured_kg": kg})
    return int(received.get_json()["reception_id"])


def reception_count(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(Reception)) or 0


def test_a_weighed_claim_is_received_with_its_gap(recycler: FlaskClient, scene: Scene) -> None:
    claim_id = a_claim(recycler, scene)
    received = post(recycler, f"/api/claims/{claim_id}/reception", {"measured_kg": "47.5"})
    assert received.status_code == 201
    assert received.get_json()["gap_kg"] == "-2.500"
    assert received.get_json()["anomaly"] is None
    assert recycler.get(f"/api/claims/{claim_id}").get_json()["received_kg"] == "47.500"


def test_an_implausible_weight_is_kept_only_once_confirmed(
    recycler: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    claim_id = a_claim(recycler, scene)
    url = f"/api/claims/{claim_id}/reception"
    refused = post(recycler, url, {"measured_kg": "48000"})
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert "confirm_anomaly" in refused.get_json()["errors"]["measured_kg"][0]
    assert reception_count(uow) == 0
    kept = post(recycler, url, {"measured_kg": "48000", "confirm_anomaly": True})
    assert kept.status_code == 201
    assert kept.get_json()["anomaly"] == "looks_like_grams"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"measured_kg": "0"}, {"measured_kg"}),
        ({}, {"measured_kg"}),
        ({"measured_kg": "10", "weight": "10"}, {"weight"}),
    ],
)
def test_a_bad_weighing_names_its_field_and_records_nothing(
    recycler: FlaskClient, uow: UnitOfWork, scene: Scene, body: object, fields: set[str]
) -> None:
    refused = post(recycler, f"/api/claims/{a_claim(recycler, scene)}/reception", body)
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == fields
    assert reception_count(uow) == 0


def test_nothing_collected_needs_a_reason(recycler: FlaskClient, scene: Scene) -> None:
    url = f"/api/claims/{a_claim(recycler, scene)}/nothing-collected"
    refused = post(recycler, url, {"reason": "  "})
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"reason"}
    closed = post(recycler, url, {"reason": "les chaises étaient cassées"})
    assert closed.status_code == 200
    assert closed.get_json()["claimed_kg"] == "50.000"


def test_outcomes_are_reported_then_corrected_with_a_reason(
    recycler: FlaskClient, scene: Scene
) -> None:
    reception_id = a_reception(recycler, scene)
    url = f"/api/receptions/{reception_id}/outcomes"
    reported = post(recycler, url, {"lines": {"reemploi": "40", "recyclage": "8"}})
    assert reported.get_json()["lines"] == {"reemploi": "40.000", "recyclage": "8.000"}
    twice = post(recycler, url, {"lines": {"reemploi": "48"}})
    assert twice.status_code == 409
    corrected = post(recycler, url, {"lines": {"reemploi": "48"}, "correction_reason": "revu"})
    assert corrected.status_code == 200
    shown = recycler.get(f"/api/receptions/{reception_id}").get_json()
    assert shown["outcomes"] == {"reemploi": "48.000"}
    assert {c["outcome"] for c in shown["corrections"]} == {"reemploi", "recyclage"}
    assert shown["corrections"][0]["reason"] == "revu"


@pytest.mark.parametrize(
    ("lines", "field"),
    [({"reemploi": "49"}, "lines"), ({"fondu": "1"}, "lines.fondu"), ({}, "lines")],
)
def test_outcomes_beyond_the_received_weight_or_unknown_are_refused_by_field(
    recycler: FlaskClient, scene: Scene, lines: dict[str, str], field: str
) -> None:
    reception_id = a_reception(recycler, scene)
    refused = post(recycler, f"/api/receptions/{reception_id}/outcomes", {"lines": lines})
    assert refused.status_code == 422
    assert field in refused.get_json()["errors"]
    assert recycler.get(f"/api/receptions/{reception_id}").get_json()["outcomes"] == {}


def test_another_actors_recycler_cannot_read_or_weigh_a_claim(
    app: Flask, recycler: FlaskClient, uow: UnitOfWork, scene: Scene
) -> None:
    claim_id = a_claim(recycler, scene)
    reception_id = a_reception(recycler, scene)
    other = app.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    sign_in_as(other, uow, Role.RECYCLER, actor_id=scene.actors[1])
    assert other.get(f"/api/claims/{claim_id}").status_code == 404
    assert other.get(f"/api/receptions/{reception_id}").status_code == 404
    weighed = post(other, f"/api/claims/{claim_id}/reception", {"measured_kg": "10"})
    assert weighed.status_code == 403
    assert weighed.mimetype == "application/problem+json"


def test_a_recycler_reads_its_actors_notifications_and_marks_one_read(
    recycler: FlaskClient, uow: UnitOfWork, runtime: Runtime, scene: Scene
) -> None:
    notify_offers(uow, runtime.mailer, offer_ids=list(scene.offers))
    [mine] = recycler.get("/api/notifications?unread_only=true").get_json()
    assert mine["offer_id"] == scene.offers[0]
    assert post(recycler, f"/api/notifications/{mine['id']}/read").status_code == 204
    assert recycler.get("/api/notifications?unread_only=true").get_json() == []
    assert recycler.get("/api/notifications").get_json()[0]["is_read"] is True
    others = recycler.get("/api/notifications").get_json()
    assert [n["offer_id"] for n in others] == [scene.offers[0]]


def test_an_unknown_notification_cannot_be_marked_read(recycler: FlaskClient) -> None:
    refused = post(recycler, "/api/notifications/999999/read")
    assert refused.status_code == 404
    assert refused.mimetype == "application/problem+json"


def settings_url(scene: Scene, n: int = 0) -> str:
    return f"/api/actors/{scene.actors[n]}/notification-settings"


def put(client: FlaskClient, url: str, body: object) -> Any:
    return client.put(url, json=body, headers=csrf(client))


def test_settings_change_and_a_webhook_secret_is_shown_only_once(
    recycler: FlaskClient, scene: Scene
) -> None:
    assert recycler.get(settings_url(scene)).get_json()["mode"] == "instant"
    body = {"mode": "digest", "categories_of_interest": ["mobilier", "gros_electromenager.lavage"],
            "email": "collecte@example.org", "webhook_url": "https://hooks.example.org/reuse"}  # fmt: skip
    changed = put(recycler, settings_url(scene), body).get_json()
    assert changed["webhook_secret"].startswith("whsec_")
    assert changed["webhook_enabled"] is True
    read = recycler.get(settings_url(scene)).get_json()
    assert read["webhook_secret"] is None
    assert read["mode"] == "digest"
    assert read["categories_of_interest"] == ["mobilier", "gros_electromenager.lavage"]
    assert put(recycler, settings_url(scene), body).get_json()["webhook_secret"] is None
    rotated = put(recycler, settings_url(scene), body | {"rotate_secret": True}).get_json()
    assert rotated["webhook_secret"] not in (None, changed["webhook_secret"])


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"mode": "weekly"}, {"mode"}),
        (
            {"mode": "instant", "categories_of_interest": ["jouets", "mobilier"]},
            {"categories_of_interest"},
        ),
        ({"mode": "instant", "webhook_url": "ftp://example.org/x"}, {"webhook_url"}),
        ({"mode": "instant", "email": "nobody"}, {"email"}),
        ({"mode": "instant", "secret": "mine"}, {"secret"}),
    ],
)
def test_bad_settings_name_their_field_and_change_nothing(
    recycler: FlaskClient, scene: Scene, body: object, fields: set[str]
) -> None:
    refused = put(recycler, settings_url(scene), body)
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == fields
    assert recycler.get(settings_url(scene)).get_json()["categories_of_interest"] == []


def test_another_actors_settings_and_impact_are_forbidden(
    recycler: FlaskClient, scene: Scene
) -> None:
    assert recycler.get(settings_url(scene, n=1)).status_code == 403
    assert put(recycler, settings_url(scene, n=1), {"mode": "digest"}).status_code == 403
    assert recycler.get(f"/api/actors/{scene.actors[1]}/impact").status_code == 403
    assert recycler.get(f"/api/actors/{scene.actors[1]}/webhook/deliveries").status_code == 403


@dataclass
class Receiver:
    url: str = ""
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP server on localhost that keeps what it is sent."""
    received = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.requests.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    received.url = f"http://127.0.0.1:{server.server_port}/hook"
    yield received
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_test_delivery_is_signed_with_the_secret_and_logged(
    recycler: FlaskClient, scene: Scene, receiver: Receiver
) -> None:
    hook = f"/api/actors/{scene.actors[0]}/webhook"
    assert post(recycler, f"{hook}/test").status_code == 409  # no webhook yet
    body = {"mode": "instant", "webhook_url": receiver.url}
    secret = put(recycler, settings_url(scene), body).get_json()["webhook_secret"]
    delivery = post(recycler, f"{hook}/test").get_json()
    assert delivery["succeeded"] is True
    assert delivery["status_code"] == 204
    [(headers, sent)] = receiver.requests
    signed = verify(secret, headers[TIMESTAMP_HEADER], sent, headers[SIGNATURE_HEADER], time.time())
    assert signed
    log = recycler.get(f"{hook}/deliveries").get_json()
    assert [d["id"] for d in log["items"]] == [delivery["id"]]
    assert log["items"][0]["event"] == "webhook.test"


def test_an_actor_reads_its_monthly_impact(recycler: FlaskClient, scene: Scene) -> None:
    reception_id = a_reception(recycler, scene)
    post(recycler, f"/api/receptions/{reception_id}/outcomes", {"lines": {"reemploi": "40"}})
    month = Month.of(datetime.now(UTC)).label
    impact = recycler.get(f"/api/actors/{scene.actors[0]}/impact?from={month}&to={month}")
    assert impact.status_code == 200
    [figures] = impact.get_json()["months"]
    assert figures["month"] == month
    assert figures["received_kg"] == "48.000"
    assert figures["reused_kg"] == "40.000"
    assert figures["collections"] == 1
    assert len(recycler.get(f"/api/actors/{scene.actors[0]}/impact").get_json()["months"]) == 12


@pytest.mark.parametrize(
    ("query", "field"), [("from=2026-13&to=2026-01", "from"), ("from=2026-05&to=2026-01", "to")]
)
def test_a_bad_impact_period_names_its_field(
    recycler: FlaskClient, scene: Scene, query: str, field: str
) -> None:
    refused = recycler.get(f"/api/actors/{scene.actors[0]}/impact?{query}")
    assert refused.status_code == 422
    assert field in refused.get_json()["errors"]
