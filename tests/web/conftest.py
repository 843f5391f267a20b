"""A web app on the test database; each test's writes are rolled back."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import sessionmaker

from reuse.runtime import Runtime
from web import create_app


@pytest.fixture
def app(runtime: Runtime, sessions: sessionmaker) -> Flask:  # type: ignore[type-arg]
    """The app on the test database, its writes joined to the test's rolled-back transaction."""
    settings = replace(runtime.settings, broker_url="memory://", secret_key="test-secret")
    flask_app = create_app(settings, Runtime(settings, runtime.engine, sessions))
    flask_app.config.update(TESTING=True)
    return flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client on https (the session cookie is Secure)."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client
