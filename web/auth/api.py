"""Sign-in, the current user and API tokens, as JSON."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import request, session
from flask.views import MethodView
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf

from reuse.domain.vocabulary import Role
from reuse.services.accounts import Principal, authenticate, change_password
from reuse.services.tokens import issue_api_token, list_tokens, revoke_token
from web.api import Blueprint
from web.auth import schemas
from web.auth.guard import protect, public
from web.auth.session import SignedIn, forget_trusted_tokens, limiter, me
from web.context import runtime

blp = Blueprint("auth_api", __name__, url_prefix="/api", description="Sign-in and API tokens")
session_blp = Blueprint("session_api", __name__, url_prefix="/api/session", description="Sign-in")
protect(blp, *Role)
public(session_blp)

LOGIN_LIMIT = "10 per minute;50 per hour"


def login_attempt_key() -> str:
    """Count sign-in attempts per address and per e-mail tried."""
    body = request.get_json(silent=True)
    email = str(body.get("email", "")).lower() if isinstance(body, dict) else ""
    return f"{request.remote_addr}|{email}"


def describe(who: Principal) -> dict[str, Any]:
    """The principal as the Me schema wants it."""
    return {
        "user_id": who.user_id, "email": who.email, "display_name": who.display_name,
        "roles": sorted(who.roles), "territory_ids": sorted(who.territory_ids),
        "site_ids": sorted(who.site_ids), "actor_ids": sorted(who.actor_ids),
        "scopes": sorted(who.scopes),
    }  # fmt: skip


@session_blp.route("/csrf")
@session_blp.response(200, schemas.CsrfToken)
def csrf_token() -> dict[str, str]:
    """A CSRF token to send as X-CSRFToken with cookie-authenticated writes."""
    return {"csrf_token": generate_csrf()}


@session_blp.route("")
class SessionResource(MethodView):
    @limiter.limit(LOGIN_LIMIT, key_func=login_attempt_key)
    @session_blp.arguments(schemas.Credentials)
    @session_blp.response(200, schemas.Me)
    def post(self, credentials: dict[str, str]) -> dict[str, Any]:
        """Sign in with e-mail and password; the session is renewed."""
        who = authenticate(runtime().uow(), **credentials)
        session.clear()
        login_user(SignedIn(who))
        return describe(who)

    @session_blp.response(204)
    def delete(self) -> None:
        """Sign out."""
        logout_user()
        session.clear()


@blp.route("/me")
@blp.response(200, schemas.Me)
def current() -> dict[str, Any]:
    """Who I am: roles and the territories, sites and actors I act for."""
    return describe(me())


@blp.route("/me/password", methods=["POST"])
@blp.arguments(schemas.PasswordChange)
@blp.response(204)
def password(change: dict[str, str]) -> None:
    """Change my password."""
    change_password(runtime().uow(), user_id=me().user_id, current=change["current_password"],
                    new=change["new_password"])  # fmt: skip


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.response(200, schemas.Token(many=True))
    def get(self) -> list[Any]:
        """My API tokens (without their secrets)."""
        return list_tokens(runtime().reading(), user_id=me().user_id)

    @blp.arguments(schemas.NewToken)
    @blp.response(201, schemas.IssuedToken)
    def post(self, new: dict[str, Any]) -> dict[str, Any]:
        """Create a token; its secret is shown in this response only."""
        issued = issue_api_token(runtime().uow(), user_id=me().user_id, name=new["name"],
                                 scopes=new["scopes"], valid_for=timedelta(days=new["valid_days"]))  # fmt: skip
        return {"id": issued.token_id, "token": issued.secret}


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
def revoke(token_id: int) -> None:
    """Revoke one of my tokens."""
    revoke_token(runtime().uow(), user_id=me().user_id, token_id=token_id)
    forget_trusted_tokens()
