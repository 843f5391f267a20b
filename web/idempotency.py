"""Idempotency-Key on POST requests: a retry returns the first response instead of acting twice."""

from __future__ import annotations

import hashlib
import json

from flask import Flask, Response, g, request

from reuse.services.idempotency import StoredResponse, complete, release, reserve
from web.auth.session import principal
from web.context import runtime

HEADER = "Idempotency-Key"


def init_idempotency(app: Flask) -> None:
    """Check keys before POST views run, and keep their responses after."""
    app.before_request(_replay_or_reserve)
    app.after_request(_keep_response)
    app.teardown_request(_release_on_crash)


def fingerprint() -> str:
    """What makes two requests the same: method, path and body."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data())
    return digest.hexdigest()


def _replay_or_reserve() -> Response | None:
    key, who = request.headers.get(HEADER), principal()
    if request.method != "POST" or key is None or who is None:
        return None
    stored = reserve(runtime().uow(), user_id=who.user_id, key=key, fingerprint=fingerprint())
    if stored is not None:
        return _replayed(stored)
    g.idempotency = (who.user_id, key)
    return None


def _replayed(stored: StoredResponse) -> Response:
    body = "" if stored.body is None else json.dumps(stored.body)
    response = Response(body, status=stored.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _keep_response(response: Response) -> Response:
    reserved = g.pop("idempotency", None)
    if reserved is None:
        return response
    user_id, key = reserved
    if response.status_code >= 500:
        release(runtime().uow(), user_id=user_id, key=key)
        return response
    body = response.get_json(silent=True) if response.is_json else None
    complete(runtime().uow(), user_id=user_id, key=key, status_code=response.status_code, body=body)
    return response


def _release_on_crash(error: BaseException | None) -> None:
    reserved = g.pop("idempotency", None)
    if reserved is not None:
        release(runtime().uow(), user_id=reserved[0], key=reserved[1])
