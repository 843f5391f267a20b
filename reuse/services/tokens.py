"""API tokens: issued once, stored as digests, scoped, expiring, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from reuse.domain.errors import NotFound
from reuse.models import ApiToken, User
from reuse.services.access import WITH_MEMBERSHIPS
from reuse.services.accounts import Principal, principal_of
from reuse.unit_of_work import UnitOfWork


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


LAST_USE_PRECISION = timedelta(minutes=1)


def principal_for_token(
    uow: UnitOfWork, *, secret: str, now: datetime | None = None
) -> Principal | None:
    """The principal behind a bearer token that is neither expired nor revoked."""
    at = now or datetime.now(UTC)
    with uow:
        found = (
            uow.session.execute(
                select(ApiToken, User)
                .join(User, User.id == ApiToken.user_id)
                .where(ApiToken.token_hash == token_digest(secret))
                .options(WITH_MEMBERSHIPS)  # the token, its user and the user's roles: one query
            )
            .unique()
            .first()
        )
        if found is None:
            return None
        token, user = found
        if token.revoked_at is not None or (token.expires_at and token.expires_at <= at):
            return None
        if not user.active:
            return None
        if token.last_used_at is None or at - token.last_used_at >= LAST_USE_PRECISION:
            token.last_used_at = at  # a write per minute at most, not one per request
            uow.commit()
        return principal_of(user, frozenset(token.scopes))


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


def list_tokens(uow: UnitOfWork, *, user_id: int) -> list[TokenView]:
    """The user's tokens that are not revoked (never their secrets)."""
    with uow:
        query = select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        return [
            TokenView(t.id, t.name, t.prefix, t.scopes, t.created_at, t.expires_at, t.last_used_at)
            for t in uow.session.scalars(query.order_by(ApiToken.id))
        ]


def revoke_token(
    uow: UnitOfWork, *, user_id: int, token_id: int, now: datetime | None = None
) -> None:
    """Revoke one of the user's own tokens."""
    with uow:
        token = uow.session.get(ApiToken, token_id)
        if token is None or token.user_id != user_id or token.revoked_at is not None:
            raise NotFound(f"no token {token_id}")
        token.revoked_at = now or datetime.now(UTC)
        uow.commit()
