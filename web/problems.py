"""RFC 9457 problem documents: the only shape of an API error."""

from __future__ import annotations

from http import HTTPStatus

from flask import Response, jsonify

PROBLEM_TYPES = "https://reuse.invalid/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem(
    status: int,
    *,
    detail: str | None = None,
    code: str | None = None,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem+json response; `errors` maps each refused field to its messages."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, object] = {
        "type": f"{PROBLEM_TYPES}{code}" if code else "about:blank",
        "title": phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MEDIA_TYPE
    response.headers.update(headers or {})
    return response
