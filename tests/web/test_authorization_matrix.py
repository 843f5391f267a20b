"""Every route × every role × own or other tenant, generated from the URL map.

A route added without an entry in ROUTES makes this test fail: decide who may call it first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from reuse.domain.claims import ClaimRequest
from reuse.domain.vocabulary import Role
from reuse.models import Actor, Offer
from reuse.services.actor_directory import ActorDirectory
from reuse.services.claims import claim_offer
from reuse.services.lots import declare_lot
from reuse.services.matching import match_lot
from reuse.services.receptions import receive_claim
from reuse.unit_of_work import UnitOfWork

from builders import a_draft, a_recycler_of, a_site, an_actor, an_agent_of
from tests_web import sign_in_as

ANYONE = frozenset(Role)
AGENTS = frozenset({Role.AGENT})
READERS = frozenset({Role.AGENT, Role.TERRITORY_VIEWER, Role.RECYCLER})
MEMBERS = frozenset({Role.AGENT, Role.TERRITORY_VIEWER})
VIEWERS = frozenset({Role.TERRITORY_VIEWER})
ADMINS = frozenset({Role.ADMIN})
RECYCLERS = frozenset({Role.RECYCLER})
CLAIM_READERS = frozenset({Role.RECYCLER, Role.AGENT})


@dataclass(frozen=True)
class Case:
    """Who may call a route, how to fill its URL and body, and whether it is tenant-scoped."""

    roles: frozenset[Role] | None  # None: public
    params: Callable[[World], dict[str, Any]] = lambda world: {}
    body: dict[str, Any] | None = None
    scoped: bool = False
    page: bool = False  # an HTML page: anonymous visitors are sent to the sign-in form


def lot(world: World) -> dict[str, Any]:
    return {"lot_id": world.lot_id}


def offer(world: World) -> dict[str, Any]:
    return {"offer_id": world.ids["offer_id"]}


def claim(world: World) -> dict[str, Any]:
    return {"claim_id": world.ids["claim_id"]}


def reception(world: World) -> dict[str, Any]:
    return {"reception_id": world.ids["reception_id"]}


def actor(world: World) -> dict[str, Any]:
    return {"actor_id": world.actor_id}


def territory(world: World) -> dict[str, Any]:
    return {"territory_id": world.territory_id}


def place(world: World) -> dict[str, Any]:
    return {"territory_id": world.territory_id, "site_id": world.site_id}


def page(roles: frozenset[Role] | None, params: Callable[[World], dict[str, Any]] = lambda w: {},
         scoped: bool = False) -> Case:  # fmt: skip
    return Case(roles, params, scoped=scoped, page=True)


@dataclass
class World:
    """One territory with its site, actor and an offered lot: what 'own' tenants act on."""

    territory_id: int
    site_id: int
    actor_id: int
    lot_id: int
    ids: dict[str, int] = field(default_factory=dict)


ROUTES: dict[str, Case] = {
    "GET /healthz": Case(None),
    "GET /readyz": Case(None),
    "GET /api/session/csrf": Case(None),
    "POST /api/session": Case(None, body={"email": "nobody@example.org", "password": "x"}),
    "DELETE /api/session": Case(None),
    "GET /api/me": Case(ANYONE),
    "POST /api/me/password": Case(ANYONE, body={"current_password": "x", "new_password": "y"}),
    "GET /api/tokens": Case(ANYONE),
    "POST /api/tokens": Case(ANYONE, body={"name": "matrix"}),
    "DELETE /api/tokens/<int:token_id>": Case(ANYONE, lambda w: {"token_id": 999_999}),
    "GET /api/lots": Case(READERS),
    "GET /api/lots/<int:lot_id>": Case(READERS, lambda w: {"lot_id": w.lot_id}, scoped=True),
    "POST /api/lots": Case(
        AGENTS,
        body={
            "site_id": 0,
            "subcategory": "mobilier.canape",
            "condition": "as_is",
            "estimated_kg": "10",
        },
    ),
    "PATCH /api/lots/<int:lot_id>": Case(
        AGENTS, lambda w: {"lot_id": w.lot_id}, body={"description": "x"}, scoped=True
    ),
    "POST /api/lots/<int:lot_id>/cancel": Case(
        AGENTS, lambda w: {"lot_id": w.lot_id}, body={"reason": "x"}, scoped=True
    ),
    "GET /api/offers": Case(RECYCLERS),
    "GET /api/offers/<int:offer_id>": Case(RECYCLERS, offer, scoped=True),
    "POST /api/offers/<int:offer_id>/claims": Case(RECYCLERS, offer, body={"kg": "1"}, scoped=True),
    "GET /api/claims": Case(CLAIM_READERS),
    "GET /api/claims/<int:claim_id>": Case(CLAIM_READERS, claim, scoped=True),
    "POST /api/claims/<int:claim_id>/pickup": Case(
        RECYCLERS, claim, body={"pickup_at": "2030-01-07T10:00:00+01:00"}, scoped=True
    ),
    "POST /api/claims/<int:claim_id>/release": Case(RECYCLERS, claim, body={}, scoped=True),
    "POST /api/claims/<int:claim_id>/no-show": Case(AGENTS, claim, scoped=True),
    "POST /api/claims/<int:claim_id>/reception": Case(
        RECYCLERS, claim, body={"measured_kg": "10"}, scoped=True
    ),
    "POST /api/claims/<int:claim_id>/nothing-collected": Case(
        RECYCLERS, claim, body={"reason": "x"}, scoped=True
    ),
    "GET /api/receptions/<int:reception_id>": Case(CLAIM_READERS, reception, scoped=True),
    "POST /api/receptions/<int:reception_id>/outcomes": Case(
        RECYCLERS, reception, body={"lines": {"reemploi": "1"}}, scoped=True
    ),
    "GET /api/notifications": Case(ANYONE),
    "POST /api/notifications/<int:notification_id>/read": Case(
        ANYONE, lambda w: {"notification_id": 999_999}
    ),
    "GET /api/actors/<int:actor_id>/notification-settings": Case(RECYCLERS, actor, scoped=True),
    "PUT /api/actors/<int:actor_id>/notification-settings": Case(
        RECYCLERS, actor, body={"mode": "instant"}, scoped=True
    ),
    "POST /api/actors/<int:actor_id>/webhook/test": Case(RECYCLERS, actor, scoped=True),
    "GET /api/actors/<int:actor_id>/webhook/deliveries": Case(RECYCLERS, actor, scoped=True),
    "GET /api/actors/<int:actor_id>/impact": Case(RECYCLERS, actor, scoped=True),
    "GET /api/territories": Case(MEMBERS),
    "GET /api/territories/<int:territory_id>": Case(MEMBERS, territory, scoped=True),
    "GET /api/territories/<int:territory_id>/sites": Case(MEMBERS, territory, scoped=True),
    "GET /api/territories/<int:territory_id>/communes": Case(MEMBERS, territory, scoped=True),
    "GET /api/territories/<int:territory_id>/stats": Case(VIEWERS, territory, scoped=True),
    "GET /api/territories/<int:territory_id>/exports/figures.csv": Case(
        VIEWERS, territory, scoped=True
    ),
    "GET /api/territories/<int:territory_id>/exports/figures-fr.csv": Case(
        VIEWERS, territory, scoped=True
    ),
    "GET /api/territories/<int:territory_id>/exports/figures.xlsx": Case(
        VIEWERS, territory, scoped=True
    ),
    "GET /api/territories/<int:territory_id>/exports/open-data.csv": Case(
        VIEWERS, territory, scoped=True
    ),
    "GET /api/categories": Case(READERS),
    "GET /api/actors": Case(READERS),
    "GET /api/actors/<int:actor_id>": Case(
        READERS, lambda w: {"actor_id": w.actor_id}, scoped=True
    ),
    "POST /api/admin/territories": Case(
        ADMINS, body={"slug": "matrix-epci", "name": "Matrix", "siren": "123456789"}
    ),
    "PATCH /api/admin/territories/<int:territory_id>": Case(
        ADMINS, territory, body={"hold_window_minutes": 90}
    ),
    "POST /api/admin/communes": Case(ADMINS, body={"insee": "2915", "name": "Matrix"}),
    "POST /api/admin/sites": Case(ADMINS, body={"slug": "matrix-site", "territory_id": 0}),
    "PATCH /api/admin/sites/<int:site_id>": Case(
        ADMINS, lambda w: {"site_id": w.site_id}, body={"name": "Déchèterie renommée"}
    ),
    "POST /api/admin/actors": Case(ADMINS, body={"slug": "matrix-actor"}),
    "PATCH /api/admin/actors/<int:actor_id>": Case(
        ADMINS, lambda w: {"actor_id": w.actor_id}, body={"notes": "matrix"}
    ),
    "GET /api/admin/users": Case(ADMINS),
    "POST /api/admin/users": Case(ADMINS, body={"email": "matrix@example.org"}),
    "PATCH /api/admin/users/<int:user_id>": Case(
        ADMINS, lambda w: {"user_id": 999_999}, body={"display_name": "Matrix"}
    ),
    "POST /api/admin/categories": Case(ADMINS, body={"slug": "matrix", "label": "Matrix"}),
    "PATCH /api/admin/categories/<slug>": Case(
        ADMINS, lambda w: {"slug": "mobilier"}, body={"label": "Mobilier et literie"}
    ),
    "POST /api/admin/subcategories": Case(ADMINS, body={"slug": "matrix.x"}),
    "PATCH /api/admin/subcategories/<slug>": Case(
        ADMINS, lambda w: {"slug": "mobilier.canape"}, body={"reusable": True}
    ),
    "GET /api/admin/factor-sets": Case(ADMINS),
    "POST /api/admin/factor-sets": Case(ADMINS, body={"version": "v9"}),
    "GET /": page(None),
    "GET /connexion": page(None),
    "POST /connexion": page(None),
    "POST /deconnexion": page(None),
    "POST /langue": page(None),
    "GET /mot-de-passe": page(ANYONE),
    "POST /mot-de-passe": page(ANYONE),
    "GET /lots/<int:lot_id>/photos/<name>": page(
        READERS, lambda w: {"lot_id": w.lot_id, "name": "none.png"}, scoped=True
    ),
    "GET /agent/": page(AGENTS),
    "GET /agent/lots": page(AGENTS),
    "GET /agent/lots/nouveau": page(AGENTS),
    "POST /agent/lots/nouveau": page(AGENTS),
    "GET /agent/lots/<int:lot_id>": page(AGENTS, lot, scoped=True),
    "GET /agent/lots/<int:lot_id>/modifier": page(AGENTS, lot, scoped=True),
    "POST /agent/lots/<int:lot_id>/modifier": page(AGENTS, lot, scoped=True),
    "POST /agent/lots/<int:lot_id>/annuler": page(AGENTS, lot, scoped=True),
    "POST /agent/lots/<int:lot_id>/reservations/<int:claim_id>/absent": page(
        AGENTS, lambda w: {"lot_id": w.lot_id, "claim_id": 999_999}, scoped=True
    ),
    "GET /territoire/": page(VIEWERS),
    "GET /territoire/exports/<name>": page(VIEWERS, lambda w: {"name": "csv"}),
    "GET /territoire/lots": page(VIEWERS),
    "GET /territoire/acteurs": page(VIEWERS),
    "GET /admin/": page(ADMINS),
    "POST /admin/": page(ADMINS),
    "GET /admin/territoires/<int:territory_id>": page(ADMINS, territory),
    "POST /admin/territoires/<int:territory_id>": page(ADMINS, territory),
    "GET /admin/territoires/<int:territory_id>/sites/nouveau": page(ADMINS, territory),
    "POST /admin/territoires/<int:territory_id>/sites/nouveau": page(ADMINS, territory),
    "GET /admin/territoires/<int:territory_id>/sites/<int:site_id>": page(ADMINS, place),
    "POST /admin/territoires/<int:territory_id>/sites/<int:site_id>": page(ADMINS, place),
    "GET /admin/acteurs": page(ADMINS),
    "GET /admin/acteurs/nouveau": page(ADMINS),
    "POST /admin/acteurs/nouveau": page(ADMINS),
    "GET /admin/acteurs/<int:actor_id>": page(ADMINS, actor),
    "POST /admin/acteurs/<int:actor_id>": page(ADMINS, actor),
    "GET /admin/utilisateurs": page(ADMINS),
    "POST /admin/utilisateurs": page(ADMINS),
    "GET /admin/utilisateurs/<int:user_id>": page(ADMINS, lambda w: {"user_id": 999_999}),
    "POST /admin/utilisateurs/<int:user_id>": page(ADMINS, lambda w: {"user_id": 999_999}),
    "GET /admin/categories": page(ADMINS),
    "POST /admin/categories": page(ADMINS),
    "POST /admin/categories/<slug>": page(ADMINS, lambda w: {"slug": "mobilier"}),
    "GET /admin/communes/nouvelle": page(ADMINS),
    "POST /admin/communes/nouvelle": page(ADMINS),
    "GET /admin/facteurs": page(ADMINS),
    "POST /admin/facteurs": page(ADMINS),
    "GET /recycleur/": page(RECYCLERS),
    "GET /recycleur/propositions/<int:offer_id>": page(RECYCLERS, offer, scoped=True),
    "POST /recycleur/propositions/<int:offer_id>/reserver": page(RECYCLERS, offer, scoped=True),
    "GET /recycleur/enlevements": page(RECYCLERS),
    "GET /recycleur/reservations/<int:claim_id>": page(RECYCLERS, claim, scoped=True),
    "POST /recycleur/reservations/<int:claim_id>/creneau": page(RECYCLERS, claim, scoped=True),
    "POST /recycleur/reservations/<int:claim_id>/reception": page(RECYCLERS, claim, scoped=True),
    "POST /recycleur/reservations/<int:claim_id>/rien-collecte": page(
        RECYCLERS, claim, scoped=True
    ),
    "POST /recycleur/reservations/<int:claim_id>/devenir": page(RECYCLERS, claim, scoped=True),
    "POST /recycleur/reservations/<int:claim_id>/devenir/correction": page(
        RECYCLERS, claim, scoped=True
    ),
    "GET /recycleur/impact": page(RECYCLERS),
    "GET /recycleur/notifications/": page(RECYCLERS),
    "POST /recycleur/notifications/": page(RECYCLERS),
    "POST /recycleur/notifications/webhook": page(RECYCLERS),
    "POST /recycleur/notifications/webhook/essai": page(RECYCLERS),
}
IGNORED_ENDPOINTS = {
    "static",
    "swagger_static.swagger_file",
    "api-docs.openapi_json",
    "api-docs.openapi_swagger_ui",
}


def routes_of(app: Flask) -> dict[str, tuple[str, str]]:
    """'METHOD rule' → (method, rule) for every route of the app."""
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in IGNORED_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found[f"{method} {rule.rule}"] = (method, rule.rule)
    return found


def test_every_route_has_an_entry_in_the_matrix(app: Flask) -> None:
    assert set(routes_of(app)) == set(ROUTES), "add the new routes to ROUTES with who may call them"


MORLAIX, STRASBOURG = (48.57784, -3.82792), (48.58392, 7.74553)


def a_world(uow: UnitOfWork, runtime: Any, where: tuple[float, float]) -> World:
    """A world far from the other one, so that neither's actor is offered the other's lot."""
    lat, lon = where
    with uow:
        site = a_site(uow.session, lat=lat, lon=lon)
        actor = an_actor(uow.session, lat=lat, lon=lon)
        agent = an_agent_of(uow.session, site)
        uow.commit()
        ids = site.territory_id, site.id, actor.id, agent.id
    lot_id = declare_lot(
        uow, by=ids[3], site_id=ids[1], subcategory="mobilier.canape", draft=a_draft_now()
    ).lot_id
    match_lot(uow, ActorDirectory(), lot_id=lot_id)  # rolled back: no index kept across tests
    with uow:
        offer_id = uow.session.scalar(select(Offer.id).where(Offer.lot_id == lot_id))
    chain = a_claim_chain(uow, ids[2], offer_id or 0)
    return World(ids[0], ids[1], ids[2], lot_id, {"offer_id": offer_id or 0} | chain)


def a_claim_chain(uow: UnitOfWork, actor_id: int, offer_id: int) -> dict[str, int]:
    """An active claim and a received one on the actor's offer, by a recycler of the actor."""
    with uow:
        recycler = a_recycler_of(uow.session, uow.session.get_one(Actor, actor_id)).id
        uow.commit()
    part = ClaimRequest(kg=Decimal("10"))
    active, received = (
        claim_offer(uow, by=recycler, offer_id=offer_id, request=part).claim_id for _ in "ab"
    )
    weighed = receive_claim(uow, by=recycler, claim_id=received, measured_kg=Decimal("10"))
    return {"claim_id": active, "reception_id": weighed.reception_id}


def a_draft_now() -> Any:
    now = datetime.now(UTC)
    return a_draft(available_from=now, deadline=now + timedelta(days=5))


def scope_of(role: Role, world: World) -> dict[str, int]:
    if role == Role.RECYCLER:
        return {"actor_id": world.actor_id}
    if role in (Role.AGENT, Role.TERRITORY_VIEWER):
        return {"territory_id": world.territory_id}
    return {}


def call(client: FlaskClient, method: str, rule: str, case: Case, world: World) -> int:
    path = rule
    for name, value in case.params(world).items():
        path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return client.open(path, method=method, json=case.body).status_code


def a_client(app: Flask) -> FlaskClient:
    """A new client of its own, as a browser on HTTPS (session cookies are Secure)."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


@pytest.fixture
def matrix_app(app: Flask) -> Flask:
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF has its own tests; here only roles matter
    app.config["RATELIMIT_ENABLED"] = False
    return app


@pytest.mark.parametrize("role", [*Role, None], ids=lambda r: r or "anonymous")
def test_each_role_reaches_exactly_the_routes_it_is_given(
    matrix_app: Flask, uow: UnitOfWork, runtime, role
) -> None:  # type: ignore[no-untyped-def]
    own, other = a_world(uow, runtime, MORLAIX), a_world(uow, runtime, STRASBOURG)
    session = None
    if role is not None:  # one sign-in (scrypt is slow on purpose), its cookie in each client
        signed_in = a_client(matrix_app)
        sign_in_as(signed_in, uow, role, **scope_of(role, own))
        session = signed_in.get_cookie(matrix_app.config["SESSION_COOKIE_NAME"])
    verdicts = {}
    for key, (method, rule) in sorted(routes_of(matrix_app).items()):
        case = ROUTES[key]
        for tenant, world in (("own", own), ("other", other)):
            client = a_client(matrix_app)
            if session is not None:
                client.set_cookie(session.key, session.value)
            verdicts[(key, tenant)] = (
                call(client, method, rule, case, world),
                expected(case, role, tenant),
            )
    wrong = {k: v for k, v in verdicts.items() if not v[1](v[0])}
    assert not wrong, {k: v[0] for k, v in wrong.items()}


def expected(case: Case, role: Role | None, tenant: str) -> Callable[[int], bool]:
    if case.roles is None:  # public: no sign-in asked (a refused password is its own 403)
        return lambda status: status != 401 and status < 500
    if role is None:
        return lambda status: status == (302 if case.page else 401)
    allowed = role in case.roles or role == Role.ADMIN
    if not allowed:
        return lambda status: status == 403
    if case.scoped and tenant == "other" and role != Role.ADMIN:
        return lambda status: status in (403, 404)
    return lambda status: status not in (401, 403, 500)
