"""Role-aware navigation: each role's package registers its start page and its menu links."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import LazyString

from reuse.domain.vocabulary import Role
from reuse.services.accounts import Principal

# Whose start page wins for a person holding several roles.
ROLE_ORDER = (Role.ADMIN, Role.AGENT, Role.RECYCLER, Role.TERRITORY_VIEWER)


@dataclass(frozen=True)
class Link:
    role: Role
    endpoint: str
    label: LazyString


@dataclass(frozen=True)
class MenuItem:
    href: str
    label: str
    is_current: bool


START: dict[Role, str] = {}
LINKS: list[Link] = []


def register_role(role: Role, start: str, links: list[tuple[str, LazyString]]) -> None:
    """Give `role` its start page and its menu links (endpoints of its pages blueprint)."""
    START[role] = start
    LINKS.extend(Link(role, endpoint, label) for endpoint, label in links)


def start_endpoint(who: Principal) -> str | None:
    """The page a signed-in person lands on, after their most specific role."""
    return next((START[r] for r in ROLE_ORDER if r in who.roles and r in START), None)


def menu(who: Principal | None) -> list[MenuItem]:
    """The links of the roles `who` holds; the current page is marked."""
    if who is None:
        return []
    return [
        MenuItem(url_for(link.endpoint), str(link.label), request.endpoint == link.endpoint)
        for link in LINKS
        if link.role in who.roles
    ]
