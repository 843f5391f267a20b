"""A program's side of the JSON API over HTTP: a bearer token, or a session cookie with CSRF."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the server answered, and how long the call took."""

    status: int
    body: Any
    ms: float

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class ApiError(RuntimeError):
    """A call that had to succeed did not."""


class ApiClient:
    """Calls the API at `base_url` as one user."""

    def __init__(self, base_url: str, token: str | None = None, timeout_s: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self._csrf: str | None = None

    def call(self, method: str, path: str, body: Any = None) -> Reply:
        """Send one request; any status comes back as a Reply (network errors raise)."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self._csrf and method != "GET":
            headers["X-CSRFToken"] = self._csrf
        request = urllib.request.Request(  # noqa: S310 - the URL is the API's, given by the caller
            self.base_url + path, data=data, headers=headers, method=method
        )
        started = time.perf_counter()
        try:
            with self._opener.open(request, timeout=self.timeout_s) as answer:
                status, raw, kind = answer.status, answer.read(), answer.headers.get_content_type()
        except urllib.error.HTTPError as refused:
            status, raw, kind = refused.code, refused.read(), refused.headers.get_content_type()
        took_ms = (time.perf_counter() - started) * 1000
        parsed = json.loads(raw) if raw and kind.endswith("json") else raw.decode(errors="replace")
        return Reply(status, parsed, took_ms)

    def expect(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        """Send one request that must answer `status`; return the body."""
        reply = self.call(method, path, body)
        if reply.status != status:
            raise ApiError(f"{method} {path} answered {reply.status}, not {status}: {reply.body}")
        return reply.body

    def sign_in(self, email: str, password: str) -> dict[str, Any]:
        """Open a session (cookie) as a person would; later writes carry the CSRF token."""
        self._csrf = self.expect("GET", "/api/session/csrf")["csrf_token"]
        me: dict[str, Any] = self.expect(
            "POST", "/api/session", {"email": email, "password": password}
        )
        self._csrf = self.expect("GET", "/api/session/csrf")[
            "csrf_token"
        ]  # the session was renewed
        return me

    def issue_token(self, name: str, valid_days: int = 1) -> str:
        """Create an API token for the signed-in user and use it from now on."""
        body = {"name": name, "scopes": ["read", "write"], "valid_days": valid_days}
        self.token = str(self.expect("POST", "/api/tokens", body, status=201)["token"])
        return self.token
