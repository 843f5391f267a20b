"""Helpers for web tests."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask.testing import FlaskClient

from reuse.domain.vocabulary import Role
from reuse.services.accounts import hash_password
from reuse.unit_of_work import UnitOfWork

from builders import a_user


def csrf(client: FlaskClient) -> dict[str, str]:
    """The header a cookie-authenticated write must carry."""
    token = client.get("/api/session/csrf").get_json()["csrf_token"]
    return {"X-CSRFToken": token}


PASSWORD = "correct horse battery"


def sign_in_as(client: FlaskClient, uow: UnitOfWork, role: Role, **scope: Any) -> int:
    """Create a user holding `role` on `scope`, sign the client in as that user, return its id."""
    with uow:
        user = a_user(uow.session, role, **scope)
        user.password_hash = password_hash()
        uow.commit()
        email, user_id = user.email, user.id
    response = client.post(
        "/api/session", json={"email": email, "password": PASSWORD}, headers=csrf(client)
    )
    assert response.status_code == 200, response.get_json()
    return user_id


@cache
def password_hash() -> str:
    """One scrypt hash for every test user (hashing is deliberately slow)."""
    return hash_password(PASSWORD)
