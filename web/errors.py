"""Domain errors mapped once to HTTP: problem+json under /api, friendly French pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from reuse.domain.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from web.api import api
from web.problems import problem

log = logging.getLogger(__name__)

STATUS_OF: dict[type[DomainError], int] = {
    ValidationFailed: 422,
    NotFound: 404,
    NotAllowed: 403,
    Conflict: 409,
    InvalidTransition: 409,
}


def register(app: Flask) -> None:
    """Install the handlers for domain errors and unexpected exceptions."""
    app.register_error_handler(DomainError, on_domain_error)
    app.register_error_handler(HTTPException, on_http_error)
    app.register_error_handler(Exception, on_unexpected_error)


def wants_json() -> bool:
    """API calls get problem+json; pages get HTML."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def status_of(error: DomainError) -> int:
    """The HTTP status that stands for a domain refusal."""
    return next((s for kind, s in STATUS_OF.items() if isinstance(error, kind)), 400)


def on_domain_error(error: DomainError) -> Response | tuple[str, int]:
    """A refusal the user can act on: its message and, for validation, each field's reason."""
    status = status_of(error)
    if not wants_json():  # the English detail is for programs; people get the French page
        return render_template("error.html", status=status), status
    fields = None
    if isinstance(error, ValidationFailed):
        fields = {e.field: [e.message] for e in error.errors}
    return problem(status, detail=str(error), code=error.code, errors=fields)


def on_http_error(error: HTTPException) -> ResponseReturnValue:
    """Werkzeug's own errors (404 of an unknown URL, 405, 413…)."""
    if wants_json():
        return api.handle_http_exception(error)
    status = error.code or 500
    if status == 401:
        return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
    return render_template("error.html", status=status), status


def on_unexpected_error(error: Exception) -> Response | tuple[str, int]:
    """Log the crash; the user sees a 500 that leaks nothing."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    if wants_json():
        return problem(500, detail="An unexpected error occurred; it has been logged.")
    return render_template("error.html", status=500), 500
