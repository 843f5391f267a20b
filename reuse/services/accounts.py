"""Accounts: users with roles, scrypt password hashes, hashed API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select

from reuse.domain.errors import Conflict, FieldError, ValidationFailed
from reuse.domain.vocabulary import Role
from reuse.models import Actor, ApiToken, Membership, Site, Territory, User
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
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(candidate.hex(), digest)


@dataclass(frozen=True)
class Grant:
    """A role to give, with the slug of what it applies to."""

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
    grants: list[Grant],
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


def _membership(uow: UnitOfWork, grant: Grant) -> Membership:
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
class IssuedToken:
    token_id: int
    secret: str


def issue_api_token(
    uow: UnitOfWork,
    *,
    user_id: int,
    name: str,
    scopes: list[str],
    valid_for: timedelta | None,
    now: datetime | None = None,
) -> IssuedToken:
    """Create a bearer token; its secret is shown once and only its digest is kept."""
    at = now or datetime.now(UTC)
    secret = "rt_" + secrets.token_urlsafe(32)
    with uow:
        token = ApiToken(
            user_id=user_id,
            name=name,
            prefix=secret[:10],
            token_hash=token_digest(secret),
            scopes=sorted(scopes),
            created_at=at,
            expires_at=at + valid_for if valid_for else None,
        )
        uow.session.add(token)
        uow.commit()
        return IssuedToken(token.id, secret)


def token_digest(secret: str) -> str:
    """SHA-256 of a high-entropy token (a slow hash adds nothing for 256 random bits)."""
    return hashlib.sha256(secret.encode()).hexdigest()
