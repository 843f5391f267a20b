"""Helpers for web tests."""

from __future__ import annotations

import re
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


CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def page_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on the page at `url`."""
    found = CSRF_FIELD.search(client.get(url).get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1) or found.group(2)


def field_error(html: str, field_id: str) -> str:
    """The error text shown next to a field, or "" when there is none."""
    found = re.search(rf'<p class="field-error" id="{field_id}-erreur">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""
