"""Helpers for web tests."""

from __future__ import annotations

from flask.testing import FlaskClient


def csrf(client: FlaskClient) -> dict[str, str]:
    """The header a cookie-authenticated write must carry."""
    token = client.get("/api/session/csrf").get_json()["csrf_token"]
    return {"X-CSRFToken": token}
