"""The flask-smorest API object: OpenAPI document, local Swagger UI, problem+json errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_smorest
import swagger_ui_bundle
from flask import Blueprint as FlaskBlueprint
from flask import send_from_directory
from flask.typing import ResponseReturnValue
from flask_smorest import Api
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from web.problems import PROBLEM_MEDIA_TYPE, problem
from web.schemas import Problem

SWAGGER_UI_FILES = Path(swagger_ui_bundle.swagger_ui_path)

swagger_static = FlaskBlueprint("swagger_static", __name__)


@swagger_static.route("/api/docs/static/<path:filename>")
def swagger_file(filename: str) -> ResponseReturnValue:
    """Serve the vendored Swagger UI assets (no CDN)."""
    return send_from_directory(SWAGGER_UI_FILES, filename)


class StrictParser(FlaskParser):
    """Query strings are held to their schema like bodies: an unknown parameter is refused."""

    DEFAULT_UNKNOWN_BY_LOCATION = FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION | {
        "query": None,
        "querystring": None,
    }


class Blueprint(flask_smorest.Blueprint):
    """The API blueprint of every role: its arguments go through the strict parser."""

    ARGUMENTS_PARSER = StrictParser()


class ReuseApi(Api):
    """An Api whose HTTP errors are RFC 9457 problem documents, and documented as such."""

    ERROR_SCHEMA = Problem

    def init_app(self, app: Any, *args: Any, **kwargs: Any) -> None:
        super().init_app(app, *args, **kwargs)
        app.register_blueprint(swagger_static)
        self.spec.components.security_scheme(
            "bearer", {"type": "http", "scheme": "bearer", "description": "API token (rt_…)"}
        )
        self.spec.components.security_scheme(
            "session", {"type": "apiKey", "in": "cookie", "name": "session"}
        )

    def _register_responses(self) -> None:
        # flask-smorest documents its error responses with the success media type.
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_MEDIA_TYPE
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE  # back to the class's application/json

    def handle_http_exception(self, error: HTTPException) -> ResponseReturnValue:
        """Turn an HTTP error (including request-validation errors) into problem+json."""
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        detail = data.get("message") or error.description
        return problem(error.code or 500, detail=detail, errors=_flatten(errors))


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]] | None:
    """webargs nests errors by location then field; clients want `field: [messages]`."""
    if not errors:
        return None
    flat: dict[str, list[str]] = {}
    for key, value in errors.items():
        name = (
            f"{prefix}{key}" if key not in {"json", "query", "form", "files", "headers"} else prefix
        )
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}." if name else "") or {})
        else:
            flat[name or "_"] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return flat


api = ReuseApi()
