"""Accounts: users with roles, scrypt password hashes, hashed API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import select

from reuse.domain.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from reuse.domain.vocabulary import Role
from reuse.models import Actor, Membership, Site, Territory, User
from reuse.services.access import Acting, acting_of
from reuse.unit_of_work import UnitOfWork

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    """A salted scrypt hash in a self-describing string."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Check a password against a stored hash in constant time."""
    scheme, *parameters = stored.split("$")
    if scheme != "scrypt" or len(parameters) != 5:
        return False  # an account with no password (e.g. "!"): nothing matches
    n, r, p, salt, digest = parameters
    candidate = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(candidate.hex(), digest)


@dataclass(frozen=True)
class GrantBySlug:
    """A role to give, with the slug of what it applies to (the command line's way)."""

    role: Role
    territory: str | None = None
    site: str | None = None
    actor: str | None = None


def create_user(
    uow: UnitOfWork,
    *,
    email: str,
    password: str,
    display_name: str,
    grants: list[GrantBySlug],
    now: datetime | None = None,
) -> int:
    """Create a user with its memberships; refuse a taken e-mail or a weak password."""
    _check_credentials(email, password)
    with uow:
        if uow.session.scalar(select(User.id).where(User.email == email.lower())):
            raise Conflict(f"a user with e-mail {email} already exists")
        user = User(
            email=email.lower(),
            display_name=display_name,
            password_hash=hash_password(password),
            created_at=now or datetime.now(UTC),
            memberships=[_membership(uow, g) for g in grants],
        )
        uow.session.add(user)
        uow.commit()
        return user.id


def _check_credentials(email: str, password: str) -> None:
    errors = []
    if "@" not in email or len(email) > 254:
        errors.append(FieldError("email", "invalid", "not an e-mail address"))
    if len(password) < MIN_PASSWORD:
        errors.append(FieldError("password", "too_short", f"at least {MIN_PASSWORD} characters"))
    if errors:
        raise ValidationFailed(errors)


def _membership(uow: UnitOfWork, grant: GrantBySlug) -> Membership:
    territory = _by_slug(uow, Territory, grant.territory, "territory")
    site = _by_slug(uow, Site, grant.site, "site")
    actor = _by_slug(uow, Actor, grant.actor, "actor")
    needs = {Role.AGENT: territory, Role.TERRITORY_VIEWER: territory, Role.RECYCLER: actor}
    if grant.role in needs and needs[grant.role] is None:
        what = "actor" if grant.role == Role.RECYCLER else "territory"
        raise ValidationFailed([FieldError(what, "required", f"a {grant.role} needs a {what}")])
    return Membership(
        role=grant.role.value,
        territory_id=territory.id if territory else (site.territory_id if site else None),
        site_id=site.id if site else None,
        actor_id=actor.id if actor else None,
    )


T = TypeVar("T", Territory, Site, Actor)


def _by_slug(uow: UnitOfWork, model: type[T], slug: str | None, field: str) -> T | None:
    if slug is None:
        return None
    found = uow.session.scalar(select(model).where(model.slug == slug))
    if found is None:
        raise ValidationFailed([FieldError(field, "unknown", f"no {field} {slug!r}")])
    return found


@dataclass(frozen=True)
class Principal:
    """Who is acting, and on what: loaded once per request by the web layer."""

    user_id: int
    email: str
    display_name: str
    roles: frozenset[Role]
    territory_ids: frozenset[int]
    site_ids: frozenset[int]
    actor_ids: frozenset[int]
    acting: Acting  # what the use cases check, without loading the user again
    scopes: frozenset[str] = frozenset({"read", "write"})

    def has(self, role: Role) -> bool:
        """Tell whether the principal holds `role` (admins hold every role)."""
        return role in self.roles or Role.ADMIN in self.roles


def principal_of(user: User, scopes: frozenset[str] = frozenset({"read", "write"})) -> Principal:
    """The principal of a loaded user."""
    members = user.memberships
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=frozenset(Role(m.role) for m in members),
        territory_ids=frozenset(m.territory_id for m in members if m.territory_id is not None),
        site_ids=frozenset(m.site_id for m in members if m.site_id is not None),
        actor_ids=frozenset(m.actor_id for m in members if m.actor_id is not None),
        acting=acting_of(user),
        scopes=scopes,
    )


def load_principal(uow: UnitOfWork, user_id: int) -> Principal | None:
    """The principal of an active user, or None."""
    with uow:
        user = uow.session.get(User, user_id)
        return principal_of(user) if user is not None and user.active else None


def authenticate(uow: UnitOfWork, *, email: str, password: str) -> Principal:
    """Check an e-mail and password; the refusal never says which one was wrong."""
    with uow:
        user = uow.session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.active or not verify_password(password, user.password_hash):
            raise NotAllowed("unknown e-mail or wrong password")
        return principal_of(user)


def change_password(uow: UnitOfWork, *, user_id: int, current: str, new: str) -> None:
    """Replace a password after checking the current one."""
    if len(new) < MIN_PASSWORD:
        raise ValidationFailed(
            [FieldError("new_password", "too_short", f"at least {MIN_PASSWORD} characters")]
        )
    with uow:
        user = uow.session.get(User, user_id)
        if user is None or not verify_password(current, user.password_hash):
            raise ValidationFailed(
                [FieldError("current_password", "wrong", "the current password is wrong")]
            )
        user.password_hash = hash_password(new)
        uow.commit()
