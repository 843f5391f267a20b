"""Schemathesis fuzzes the JSON API in-process, as each role, and walks from declaring to claiming.

Every generated request must get an answer that is not a server error and that matches the
OpenAPI document; the total number of requests is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from math import ceil

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from reuse.domain.vocabulary import Role
from reuse.runtime import Runtime
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.services.tokens import issue_api_token
from reuse.unit_of_work import UnitOfWork

from builders import a_draft, a_site, a_user, an_actor
from tests_web import password_hash

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]
MIN_REQUESTS = 2_000
REQUEST_BUDGET = 3_000  # spread over operations × roles × (valid, invalid) data
# Revoking tokens could revoke the fuzzer's own: that operation goes last for each role.
LAST = "DELETE /api/tokens/{token_id}"


@dataclass
class World:
    """One territory with a site, an actor with offers, and a bearer token per role."""

    tokens: dict[Role, str] = field(default_factory=dict)
    requests: int = 0

    def headers(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture
def world(app: Flask, uow: UnitOfWork) -> World:
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
    found = World()
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


def test_generated_requests_by_every_role_get_no_server_error_and_match_the_schema(
    app: Flask, world: World
) -> None:
    found = operations(app)
    examples = ceil(REQUEST_BUDGET / (len(found) * len(Role) * len(GenerationMode)))
    for operation in found:
        for role in Role:
            for mode in modes_of(operation):
                fuzz(operation, world, role, mode, examples)
    print(f"schemathesis sent {world.requests} requests")
    assert world.requests >= MIN_REQUESTS
