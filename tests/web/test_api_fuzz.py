"""Schemathesis fuzzes the JSON API in-process, as each role, and walks from declaring to claiming.

Every generated request must get an answer that is not a server error and that matches the
OpenAPI document; the total number of requests is printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from math import ceil
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask_smorest.spec.plugins import FlaskPlugin
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Connection
from sqlalchemy.orm import sessionmaker

from reuse.domain.vocabulary import Role
from reuse.runtime import Runtime
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.services.tokens import issue_api_token
from reuse.unit_of_work import UnitOfWork
from web.auth.guard import ALLOWED_ROLES

from builders import a_draft, a_site, a_user, an_actor
from tests_web import password_hash

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]
MIN_REQUESTS = 2_000
REQUEST_BUDGET = 1_800  # spread over operations × roles × (valid, invalid) data
WORKFLOWS = 80
DECLARE, CLAIM_OFFER = "POST /api/lots", "POST /api/offers/{offer_id}/claims"
# Revoking tokens could revoke the fuzzer's own: that operation goes last for each role.
LAST = "DELETE /api/tokens/{token_id}"


@dataclass
class World:
    """One territory with a site, an actor with offers, and a bearer token per role."""

    runtime: Runtime
    connection: Connection
    site_id: int
    tokens: dict[Role, str] = field(default_factory=dict)
    requests: int = 0
    claims: int = 0

    def headers(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture
def world(app: Flask, uow: UnitOfWork, sessions: sessionmaker) -> World:  # type: ignore[type-arg]
    runtime: Runtime = app.extensions["reuse"]
    with uow:
        site = a_site(uow.session)
        actor = an_actor(uow.session, accepts={"mobilier.canape": ["as_is", "to_repair"],
                                               "mobilier.assise": ["as_is"]})  # fmt: skip
        users = {
            Role.AGENT: a_user(uow.session, Role.AGENT, territory_id=site.territory_id),
            Role.RECYCLER: a_user(uow.session, Role.RECYCLER, actor_id=actor.id),
            Role.TERRITORY_VIEWER: a_user(
                uow.session, Role.TERRITORY_VIEWER, territory_id=site.territory_id
            ),
            Role.ADMIN: a_user(uow.session, Role.ADMIN),
        }
        for user in users.values():
            user.password_hash = password_hash()
        uow.commit()
        site_id, ids = site.id, {role: user.id for role, user in users.items()}
    now = datetime.now(UTC)
    for _ in range(3):
        draft = a_draft(available_from=now, deadline=now + timedelta(days=5))
        declared = declare_lot(runtime.uow(), by=ids[Role.AGENT], site_id=site_id,
                               subcategory="mobilier.canape", draft=draft)  # fmt: skip
        match_lot(runtime.uow(), runtime.directory, lot_id=declared.lot_id)
    found = World(runtime, sessions.kw["bind"], site_id)
    for role, user_id in ids.items():
        issued = issue_api_token(runtime.uow(), user_id=user_id, name="fuzz",
                                 scopes=["read", "write"], valid_for=timedelta(days=1))  # fmt: skip
        found.tokens[role] = issued.secret
    return found


def operations(app: Flask) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    found = [result.ok() for result in schema.get_all_operations()]
    return sorted(found, key=lambda operation: operation.label == LAST)


def modes_of(operation: schemathesis.APIOperation) -> list[GenerationMode]:
    """Valid data, and invalid data where the operation takes any input."""
    takes_input = any((operation.path_parameters, operation.query, operation.body))
    return list(GenerationMode) if takes_input else [GenerationMode.POSITIVE]


def fuzz(
    operation: schemathesis.APIOperation,
    world: World,
    role: Role,
    mode: GenerationMode,
    examples: int,
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case: schemathesis.Case) -> None:
        world.requests += 1
        response = case.call(headers=world.headers(role))
        case.validate_response(response, checks=CHECKS)

    run()


def fuzz_each_operation(app: Flask, world: World) -> None:
    """Every operation, as every role, with valid and invalid data."""
    found = operations(app)
    examples = ceil(REQUEST_BUDGET / (len(found) * len(Role) * len(GenerationMode)))
    for operation in found:
        for role in Role:
            for mode in modes_of(operation):
                fuzz(operation, world, role, mode, examples)


def with_links(app: Flask) -> schemathesis.BaseSchema:
    """The API's document plus the links of the declare → offers → claim → weigh workflow."""
    document = app.test_client().get("/api/openapi.json").get_json()
    for (path, method, status), targets in LINKS.items():
        links = document["paths"][path][method]["responses"][status].setdefault("links", {})
        for name, (target, target_method, parameters) in targets.items():
            pointer = target.replace("~", "~0").replace("/", "~1")
            links[name] = {"operationRef": f"#/paths/{pointer}/{target_method}",
                           "parameters": parameters}  # fmt: skip
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    return schema.include(name=sorted(WORKFLOW))


CLAIM = "$response.body#/claim_id"
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, str, dict[str, str]]]] = {
    ("/api/lots", "post", "201"): {
        "ReadLot": ("/api/lots/{lot_id}", "get", {"lot_id": "$response.body#/lot_id"}),
        "SeeOffers": ("/api/offers", "get", {}),
    },
    ("/api/offers", "get", "200"): {
        "Claim": ("/api/offers/{offer_id}/claims", "post", {"offer_id": "$response.body#/items/0/id"}),
    },
    ("/api/offers/{offer_id}/claims", "post", "201"): {
        "ReadClaim": ("/api/claims/{claim_id}", "get", {"claim_id": CLAIM}),
        "BookPickup": ("/api/claims/{claim_id}/pickup", "post", {"claim_id": CLAIM}),
        "Release": ("/api/claims/{claim_id}/release", "post", {"claim_id": CLAIM}),
        "Weigh": ("/api/claims/{claim_id}/reception", "post", {"claim_id": CLAIM}),
    },
    ("/api/claims/{claim_id}/reception", "post", "201"): {
        "ReportOutcomes": ("/api/receptions/{reception_id}/outcomes", "post",
                           {"reception_id": "$response.body#/reception_id"}),
    },
}  # fmt: skip
WORKFLOW = {f"{method.upper()} {path}" for path, method, _ in LINKS} | {
    f"{method.upper()} {path}" for targets in LINKS.values() for path, method, _ in targets.values()
}
CALLER_PREFERENCE = (Role.RECYCLER, Role.AGENT, Role.TERRITORY_VIEWER, Role.ADMIN)


def declaration(world: World, generated: dict[str, Any]) -> dict[str, Any]:
    """A declaration the fuzzer's actor can take; only its condition and text stay generated."""
    kept = {name: generated[name] for name in ("condition", "description") if name in generated}
    return {"condition": "as_is"} | kept | {"site_id": world.site_id, **SOFA}


SOFA = {"subcategory": "mobilier.canape", "estimated_kg": "40", "item_count": 1}
# Workflows explore sequences of calls: the bodies that open the next step are valid ones
# (each operation's generated bodies, valid and invalid, are sent by fuzz_each_operation).
PINNED: dict[str, Callable[[World, dict[str, Any]], dict[str, Any]]] = {
    "POST /api/lots": declaration,
    "POST /api/offers/{offer_id}/claims": lambda world, generated: {"kg": "2"},
    "POST /api/claims/{claim_id}/reception": lambda world, generated: {"measured_kg": "2"},
}


def caller_of(app: Flask, operation: schemathesis.APIOperation) -> Role:
    """A role the operation's blueprint admits (recyclers first: they hold the offers)."""
    for rule in app.url_map.iter_rules():
        if FlaskPlugin.flaskpath2openapi(
            rule.rule
        ) == operation.path and operation.method.upper() in (rule.methods or ()):
            admitted = ALLOWED_ROLES.get(rule.endpoint.split(".")[0]) or frozenset(Role)
            return next(role for role in CALLER_PREFERENCE if role in admitted)
    raise AssertionError(f"no route for {operation.label}")


def workflow(app: Flask, world: World) -> type:
    """A state machine following the links; each call made as a role the route admits, each
    declaration a valid one at the fuzzer's site (condition and description stay generated) and
    matched at once (the workers' job) so that its offers can be claimed."""

    class Workflow(with_links(app).as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each scenario starts from the same data: Hypothesis replays choices, and the links
            # it can follow depend on what the API answered.
            self.scenario = world.connection.begin_nested()

        def teardown(self) -> None:
            self.scenario.rollback()
            super().teardown()

        def before_call(self, case: schemathesis.Case) -> None:
            if case.operation.label in PINNED:
                generated = case.body if isinstance(case.body, dict) else {}
                case.body = PINNED[case.operation.label](world, generated)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": world.headers(caller_of(app, case.operation))}

        def after_call(self, response: schemathesis.Response, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            world.requests += 1
            if case.operation.label == DECLARE and response.status_code == 201:
                lot_id = response.json()["lot_id"]
                match_lot(world.runtime.uow(), world.runtime.directory, lot_id=lot_id)
            world.claims += case.operation.label == CLAIM_OFFER and response.status_code == 201

        def validate_response(  # type: ignore[override]
            self, response: schemathesis.Response, case: schemathesis.Case, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=CHECKS, recorder=self.recorder)

    return Workflow


def test_generated_requests_and_workflows_get_no_server_error_and_match_the_schema(
    app: Flask, world: World
) -> None:
    fuzz_each_operation(app, world)
    alone = world.requests
    workflow(app, world).run(
        settings=settings(max_examples=WORKFLOWS, stateful_step_count=8, deadline=None,
                          database=None, phases=[Phase.generate],
                          suppress_health_check=list(HealthCheck))
    )  # fmt: skip
    print(f"schemathesis sent {world.requests} requests: {alone} to single operations, "
          f"{world.requests - alone} in workflows ({world.claims} offers claimed)")  # fmt: skip
    assert world.requests >= MIN_REQUESTS
    assert world.claims > 0


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "status"),
    [
        (Role.AGENT, "GET", "/api/lots/99999999999", None, 404),
        (Role.AGENT, "GET", "/api/lots?site_id=99999999999", None, 422),
        (Role.AGENT, "GET", "/api/lots?declared_from=0001-01-01", None, 422),
        (Role.AGENT, "GET", "/api/claims?lot_id=99999999999", None, 422),
        (Role.ADMIN, "PATCH", "/api/admin/categories/a%00b", {"label": "x"}, 404),
        (Role.AGENT, "POST", "/api/tokens", {"name": "a\u0000b"}, 422),
        (Role.AGENT, "POST", "/api/tokens", {"name": "a", "owner": 1}, 422),
    ],
)
def test_requests_the_fuzzer_once_broke_are_refused_without_a_server_error(
    app: Flask, world: World, role: Role, method: str, path: str, body: object, status: int
) -> None:
    answer = app.test_client().open(path, method=method, json=body, headers=world.headers(role))
    assert answer.status_code == status, answer.get_json()
    assert answer.mimetype == "application/problem+json"
