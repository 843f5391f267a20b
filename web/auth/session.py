"""Who is calling: Flask-Login for cookies, bearer tokens for programs, CSRF for cookie writes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from cachetools import TTLCache
from flask import Flask, Request, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from reuse.services.accounts import Principal, load_principal
from reuse.services.tokens import principal_for_token, token_digest
from web.context import runtime

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TRUSTED_TOKENS = "reuse_trusted_tokens"


class TrustedTokens:
    """The principals of the bearer tokens this process checked in the last `seconds`, by
    digest: a program calling the API again and again is not looked up on every request."""

    def __init__(
        self, seconds: float, size: int = 4096, timer: Callable[[], float] = time.monotonic
    ) -> None:
        self._cache: TTLCache[str, Principal] | None = (
            TTLCache(size, seconds, timer) if seconds > 0 else None
        )
        self._lock = threading.Lock()

    def principal(self, secret: str) -> Principal | None:
        """The token's principal: trusted if checked recently, else checked now."""
        if self._cache is None:
            return principal_for_token(runtime().uow(), secret=secret)
        digest = token_digest(secret)
        with self._lock:
            found = self._cache.get(digest)
        if found is None:
            found = principal_for_token(runtime().uow(), secret=secret)
            if found is not None:
                with self._lock:
                    self._cache[digest] = found
        return found

    def forget(self) -> None:
        """Check every token again (after a token is revoked or a user changed here)."""
        if self._cache is not None:
            with self._lock:
                self._cache.clear()


class SignedIn(UserMixin):
    """The Flask-Login user: a principal, and how it authenticated."""

    def __init__(self, principal: Principal, by_token: bool = False) -> None:
        self.principal = principal
        self.by_token = by_token

    def get_id(self) -> str:
        return str(self.principal.user_id)


def init_session(app: Flask) -> None:
    """Install login, bearer tokens, CSRF checks on cookie writes, and rate limiting."""
    seconds = app.extensions["reuse"].settings.token_trust_s
    app.extensions[TRUSTED_TOKENS] = TrustedTokens(seconds)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "pages.login"
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    limiter.init_app(app)
    app.before_request(_check_csrf)


@login_manager.user_loader
def _from_session(user_id: str) -> SignedIn | None:
    principal = load_principal(runtime().reading(), int(user_id))
    return SignedIn(principal) if principal else None


@login_manager.request_loader
def _from_bearer(incoming: Request) -> SignedIn | None:
    scheme, _, secret = incoming.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret:
        return None
    principal = current_app.extensions[TRUSTED_TOKENS].principal(secret.strip())
    return SignedIn(principal, by_token=True) if principal else None


def forget_trusted_tokens() -> None:
    """Make this process check every bearer token again on its next use."""
    current_app.extensions[TRUSTED_TOKENS].forget()


def is_bearer_request() -> bool:
    """Requests carrying a bearer token are not exposed to CSRF (no ambient credential)."""
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def _check_csrf() -> None:
    enabled = current_app.config.get("WTF_CSRF_ENABLED", True)
    if enabled and request.method in UNSAFE_METHODS and not is_bearer_request():
        csrf.protect()


def principal() -> Principal | None:
    """The principal of the current request, if signed in."""
    return current_user.principal if current_user.is_authenticated else None


def me() -> Principal:
    """The principal of a request that passed its blueprint's guard."""
    who = principal()
    if who is None:
        raise RuntimeError("me() called on a route without a guard")
    return who
