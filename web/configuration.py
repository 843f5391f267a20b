"""Flask configuration derived from the platform settings."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

from reuse.config import Settings
from web.schemas import MAX_ID


class RowId(IntegerConverter):
    """`<int:…>` in a URL stops at the largest database id: a larger number is a 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **{"max": MAX_ID} | kwargs)


class Text(UnicodeConverter):
    """A `<slug>` in a URL holds no NUL character (no database keeps them): else a 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


def configure(app: Flask, settings: Settings) -> None:
    """Set Flask, session, API documentation and rate-limit options, and the URL converters."""
    app.url_map.converters |= {"int": RowId, "default": Text, "string": Text}
    app.config.update(
        SECRET_KEY=settings.secret_key or _instance_secret(settings.instance_path),
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,
        API_TITLE="reuse",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/api/docs/static/",
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_url,
        RATELIMIT_HEADERS_ENABLED=True,
        REUSE_TILE_URL=settings.tile_url,
    )


def _instance_secret(instance: Path) -> str:
    """The embedded shape keeps a random secret key in its instance folder."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
