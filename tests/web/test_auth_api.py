"""Signing in with a session cookie or an API token, and how refusals read."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from reuse.domain.vocabulary import Role
from reuse.models import ApiToken
from reuse.services.accounts import hash_password
from reuse.services.tokens import revoke_token
from reuse.unit_of_work import UnitOfWork
from web.auth.session import TRUSTED_TOKENS, TrustedTokens

from builders import a_site, a_user
from tests_web import csrf

PASSWORD = "correct horse battery"


def an_agent_account(uow: UnitOfWork) -> str:
    with uow:
        site = a_site(uow.session)
        user = a_user(uow.session, Role.AGENT, territory_id=site.territory_id)
        user.password_hash = hash_password(PASSWORD)
        uow.commit()
        return user.email


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/session", json={"email": email, "password": password}, headers=csrf(client)
    )


def test_an_anonymous_call_is_refused_with_a_problem_document(client: FlaskClient) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Unauthorized"
    assert "Bearer" in response.get_json()["detail"]


def test_signing_in_opens_a_session_that_knows_the_roles(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    email = an_agent_account(uow)
    assert sign_in(client, email).status_code == 200
    me = client.get("/api/me").get_json()
    assert (me["email"], me["roles"]) == (email, ["agent"])


def test_the_session_cookie_is_secure_http_only_and_same_site(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    cookie = sign_in(client, an_agent_account(uow)).headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_a_wrong_password_is_refused_without_saying_which_field(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    response = sign_in(client, an_agent_account(uow), "wrong password")
    assert response.status_code == 403
    assert response.get_json()["detail"] == "unknown e-mail or wrong password"


def test_a_cookie_write_without_csrf_token_is_refused(client: FlaskClient, uow: UnitOfWork) -> None:
    email = an_agent_account(uow)
    response = client.post("/api/session", json={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_json()["detail"]


def test_unknown_fields_in_a_request_are_refused_field_by_field(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    response = client.post(
        "/api/session",
        json={"email": an_agent_account(uow), "password": PASSWORD, "role": "admin"},
        headers=csrf(client),
    )
    assert response.status_code == 422
    assert "role" in response.get_json()["errors"]


def test_repeated_failed_sign_ins_are_slowed_down(client: FlaskClient, uow: UnitOfWork) -> None:
    email = an_agent_account(uow)
    statuses = [sign_in(client, email, "nope nope nope").status_code for _ in range(12)]
    assert statuses[:10] == [403] * 10
    assert statuses[10:] == [429, 429]


def test_an_api_token_is_shown_once_and_works_as_a_bearer(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    sign_in(client, an_agent_account(uow))
    issued = client.post(
        "/api/tokens", json={"name": "SI", "scopes": ["read"]}, headers=csrf(client)
    )
    assert issued.status_code == 201
    secret = issued.get_json()["token"]
    listed = client.get("/api/tokens").get_json()
    assert [t["name"] for t in listed] == ["SI"]
    assert "token" not in listed[0]
    client.delete("/api/session", headers=csrf(client))
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/me", headers=bearer).status_code == 200
    refused = client.post("/api/tokens", json={"name": "x"}, headers=bearer)
    assert refused.status_code == 403
    assert "read-only" in refused.get_json()["detail"]


def test_a_revoked_token_no_longer_opens_anything(client: FlaskClient, uow: UnitOfWork) -> None:
    sign_in(client, an_agent_account(uow))
    issued = client.post("/api/tokens", json={"name": "SI"}, headers=csrf(client)).get_json()
    assert client.delete(f"/api/tokens/{issued['id']}", headers=csrf(client)).status_code == 204
    client.delete("/api/session", headers=csrf(client))
    assert (
        client.get("/api/me", headers={"Authorization": f"Bearer {issued['token']}"}).status_code
        == 401
    )


def test_a_token_revoked_by_another_process_is_refused_once_its_trust_delay_is_over(
    app: Flask, client: FlaskClient, uow: UnitOfWork
) -> None:
    clock = [0.0]
    app.extensions[TRUSTED_TOKENS] = TrustedTokens(5, timer=lambda: clock[0])
    sign_in(client, an_agent_account(uow))
    issued = client.post("/api/tokens", json={"name": "SI"}, headers=csrf(client)).get_json()
    client.delete("/api/session", headers=csrf(client))
    bearer = {"Authorization": f"Bearer {issued['token']}"}
    assert client.get("/api/me", headers=bearer).status_code == 200
    with uow:  # another web process revokes it: this one trusts its check for 5 s
        me = uow.session.scalar(select(ApiToken.user_id).where(ApiToken.id == issued["id"]))
    revoke_token(uow, user_id=me, token_id=issued["id"])
    clock[0] = 4.9
    assert client.get("/api/me", headers=bearer).status_code == 200
    clock[0] = 5.1
    assert client.get("/api/me", headers=bearer).status_code == 401


def test_liveness_and_readiness_answer_without_sign_in(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": True, "broker": True}
