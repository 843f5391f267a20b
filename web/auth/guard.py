"""Authorization declared once per blueprint: which roles may call it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, request
from werkzeug.exceptions import Forbidden, Unauthorized

from reuse.domain.vocabulary import Role
from web.auth.session import UNSAFE_METHODS, principal

ALLOWED_ROLES: dict[str, frozenset[Role]] = {}
PUBLIC: set[str] = set()


def protect(blueprint: Blueprint, *roles: Role) -> None:
    """Let only signed-in holders of one of `roles` (or admins) use `blueprint`."""
    ALLOWED_ROLES[blueprint.name] = frozenset(roles)
    blueprint.before_request(_guard(frozenset(roles)))


def public(blueprint: Blueprint) -> None:
    """Declare that `blueprint` needs no sign-in (health checks, login)."""
    PUBLIC.add(blueprint.name)


def _guard(roles: frozenset[Role]) -> Callable[[], None]:
    def guard() -> None:
        who = principal()
        if who is None:
            raise Unauthorized("sign in, or send an API token as 'Authorization: Bearer …'")
        if roles and not any(who.has(role) for role in roles):
            raise Forbidden("your role does not give access to this resource")
        if request.method in UNSAFE_METHODS and "write" not in who.scopes:
            raise Forbidden("this API token is read-only")

    return guard
