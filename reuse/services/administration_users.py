"""Admins list users, create them with their roles, change their roles and deactivate them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from reuse.domain.errors import FieldError
from reuse.domain.vocabulary import Role
from reuse.models import Actor, Membership, Site, Territory, User
from reuse.services.access import By, Grant
from reuse.services.accounts import MIN_PASSWORD, hash_password
from reuse.services.administration import (
    admin_of,
    changed,
    email_errors,
    existing,
    name_errors,
    refuse,
    unique_errors,
)
from reuse.unit_of_work import UnitOfWork

USER_FIELDS = ("display_name", "active", "memberships")
TERRITORY_ROLES = (Role.AGENT, Role.TERRITORY_VIEWER)


@dataclass(frozen=True)
class UserDraft:
    email: str
    display_name: str
    memberships: tuple[Grant, ...]
    active: bool = True


@dataclass(frozen=True)
class UserView:
    id: int
    email: str
    display_name: str
    active: bool
    memberships: tuple[Grant, ...]


def _view(user: User) -> UserView:
    grants = tuple(
        Grant(m.role, m.territory_id, m.site_id, m.actor_id)
        for m in sorted(user.memberships, key=lambda m: m.id)
    )
    return UserView(user.id, user.email, user.display_name, user.active, grants)


@dataclass(frozen=True)
class UserFilters:
    """Users whose e-mail or name contains `search` (any case), holding `role` if given."""

    search: str = ""
    role: str | None = None


def page_of_users(
    uow: UnitOfWork, *, by: By, filters: UserFilters = UserFilters(), page: int = 1,
    per_page: int = 50,
) -> tuple[list[UserView], int]:  # fmt: skip
    """One page of the users that match, by e-mail, with their roles, and how many match."""
    with uow:
        admin_of(uow.session, by)
        matching = _matching(filters)
        total = uow.session.scalar(select(func.count(User.id)).where(*matching)) or 0
        query = (
            select(User)
            .where(*matching)
            .order_by(User.email, User.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .options(selectinload(User.memberships))
        )
        return [_view(u) for u in uow.session.scalars(query)], total


def _matching(filters: UserFilters) -> list[ColumnElement[bool]]:
    conditions = []
    if search := filters.search.strip():
        conditions.append(or_(User.email.icontains(search, autoescape=True),
                              User.display_name.icontains(search, autoescape=True)))  # fmt: skip
    if filters.role:
        conditions.append(User.memberships.any(Membership.role == filters.role))
    return conditions


def get_user(uow: UnitOfWork, *, by: By, user_id: int) -> UserView:
    """One user with its roles."""
    with uow:
        admin_of(uow.session, by)
        return _view(existing(uow.session, User, user_id))


def create_user(
    uow: UnitOfWork, *, by: By, draft: UserDraft, password: str, now: datetime | None = None
) -> UserView:
    """Create a user with its roles and a first password it can change."""
    draft = replace(draft, email=draft.email.strip().lower())
    with uow:
        admin_of(uow.session, by)
        user = User(password_hash="", created_at=now or datetime.now(UTC))
        refuse(_password_errors(password) + _errors(uow.session, user, draft))
        user.password_hash = hash_password(password)
        _write(uow.session, user, draft)
        uow.commit()
        return _view(user)


def update_user(uow: UnitOfWork, *, by: By, user_id: int, changes: Mapping[str, Any]) -> UserView:
    """Change a user's name, roles or active flag; admins cannot lock themselves out."""
    with uow:
        admin = admin_of(uow.session, by)
        user = existing(uow.session, User, user_id)
        draft = changed(_draft_of(user), changes, USER_FIELDS)
        errors = _errors(uow.session, user, draft)
        if user.id == admin.id:
            errors += _lockout_errors(draft)
        refuse(errors)
        _write(uow.session, user, draft)
        uow.commit()
        return _view(user)


def _password_errors(password: str) -> list[FieldError]:
    if len(password) >= MIN_PASSWORD:
        return []
    return [FieldError("password", "too_short", f"at least {MIN_PASSWORD} characters")]


def _draft_of(user: User) -> UserDraft:
    return UserDraft(user.email, user.display_name, _view(user).memberships, user.active)


def _write(session: Session, user: User, draft: UserDraft) -> None:
    user.email, user.display_name, user.active = draft.email, draft.display_name, draft.active
    user.memberships = [
        Membership(role=g.role, territory_id=_territory_of(session, g), site_id=g.site_id,
                   actor_id=g.actor_id)
        for g in draft.memberships
    ]  # fmt: skip
    session.add(user)
    session.flush()


def _territory_of(session: Session, grant: Grant) -> int | None:
    if grant.territory_id is None and grant.site_id is not None:
        return existing(session, Site, grant.site_id).territory_id
    return grant.territory_id


def _lockout_errors(draft: UserDraft) -> list[FieldError]:
    if not draft.active:
        return [FieldError("active", "self_lockout", "you cannot deactivate yourself")]
    if all(g.role != Role.ADMIN for g in draft.memberships):
        return [FieldError("memberships", "self_lockout", "you cannot drop your own admin role")]
    return []


def _errors(session: Session, user: User, draft: UserDraft) -> list[FieldError]:
    errors = email_errors("email", draft.email) or unique_errors(
        session, User.email, draft.email, user.id, "email"
    )
    errors += name_errors("display_name", draft.display_name)
    if not draft.memberships:
        errors.append(FieldError("memberships", "required", "at least one role"))
    for index, grant in enumerate(draft.memberships):
        errors += _grant_errors(session, f"memberships.{index}", grant)
    return errors


def _grant_errors(session: Session, at: str, grant: Grant) -> list[FieldError]:
    if grant.role not in set(Role):
        return [FieldError(f"{at}.role", "invalid", f"one of {', '.join(Role)}")]
    wanted = {
        "territory_id": grant.role in TERRITORY_ROLES,
        "site_id": grant.role == Role.AGENT,
        "actor_id": grant.role == Role.RECYCLER,
    }
    values = {"territory_id": grant.territory_id, "site_id": grant.site_id,
              "actor_id": grant.actor_id}  # fmt: skip
    errors = [
        FieldError(f"{at}.{name}", "not_for_role", f"a {grant.role} has no {name}")
        for name, value in values.items()
        if value is not None and not wanted[name]
    ]
    return errors or _target_errors(session, at, grant)


def _target_errors(session: Session, at: str, grant: Grant) -> list[FieldError]:
    site = session.get(Site, grant.site_id) if grant.site_id is not None else None
    territory_id = grant.territory_id or (site.territory_id if site else None)
    if grant.site_id is not None and site is None:
        return [FieldError(f"{at}.site_id", "unknown", f"no site {grant.site_id}")]
    if site is not None and site.territory_id != territory_id:
        return [FieldError(f"{at}.site_id", "not_in_territory", "not a site of this territory")]
    if grant.role in TERRITORY_ROLES and session.get(Territory, territory_id or 0) is None:
        return [FieldError(f"{at}.territory_id", "unknown", "an existing territory is required")]
    if grant.role == Role.RECYCLER and session.get(Actor, grant.actor_id or 0) is None:
        return [FieldError(f"{at}.actor_id", "unknown", "an existing actor is required")]
    return []
