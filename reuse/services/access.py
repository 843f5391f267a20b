"""Who may act where: checked in the use cases, whatever the entrypoint."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, joinedload

from reuse.domain.errors import FieldError, NotAllowed, NotFound, ValidationFailed
from reuse.domain.vocabulary import Role
from reuse.models import Site, User

# A user and its roles in one query (every use case checks them).
WITH_MEMBERSHIPS = joinedload(User.memberships)


@dataclass(frozen=True)
class Grant:
    """A role and what it applies to, by id: one membership of a user."""

    role: str
    territory_id: int | None = None
    site_id: int | None = None
    actor_id: int | None = None


@dataclass(frozen=True)
class Acting:
    """Who acts in a use case: an active user's id and grants, as its entrypoint checked them."""

    id: int
    memberships: tuple[Grant, ...]


# Who a use case acts for: a user id, loaded and checked by the use case (workers, CLI, tests),
# or an identity the entrypoint already loaded and checked for this request (the web front).
By = int | Acting


def acting_of(user: User) -> Acting:
    """The identity of a loaded user."""
    return Acting(
        user.id,
        tuple(Grant(m.role, m.territory_id, m.site_id, m.actor_id) for m in user.memberships),
    )


def acting_user(session: Session, by: By) -> Acting:
    """The acting user: as given when its entrypoint checked it, else loaded if active, or
    refused."""
    if isinstance(by, Acting):
        return by
    user = session.get(User, by, options=[WITH_MEMBERSHIPS])
    if user is None or not user.active:
        raise NotAllowed(f"user {by} is unknown or inactive")
    return acting_of(user)


def is_admin(user: Acting) -> bool:
    """Tell whether the user administers the whole platform."""
    return any(m.role == Role.ADMIN for m in user.memberships)


def may_declare_at(user: Acting, site: Site) -> bool:
    """An agent may act on the sites of its territory (or on its one site); admins anywhere."""
    return is_admin(user) or any(_agent_covers(m, site) for m in user.memberships)


def _agent_covers(membership: Grant, site: Site) -> bool:
    if membership.role != Role.AGENT or membership.territory_id != site.territory_id:
        return False
    return membership.site_id is None or membership.site_id == site.id


def site_for_agent(session: Session, user: Acting, site_id: int) -> Site:
    """The site an agent declares at, refused as a field error when it is not theirs."""
    site = session.get(Site, site_id)
    if site is None:
        raise ValidationFailed([FieldError("site_id", "unknown", f"no site {site_id}")])
    if not may_declare_at(user, site):
        raise ValidationFailed(
            [FieldError("site_id", "not_your_territory", "this site is not in your territory")]
        )
    return site


def lot_site_for_agent(session: Session, user: Acting, site_id: int) -> Site:
    """The site of an existing lot, hidden (not found) from agents of other territories."""
    site = session.get(Site, site_id)
    if site is None or not may_declare_at(user, site):
        raise NotFound("no such lot")
    return site


def may_act_for_actor(user: Acting, actor_id: int) -> bool:
    """A recycler acts for its own actor; admins for any."""
    return is_admin(user) or any(
        m.role == Role.RECYCLER and m.actor_id == actor_id for m in user.memberships
    )


def ensure_acts_for_actor(user: Acting, actor_id: int) -> None:
    """Refuse a recycler acting for an actor that is not theirs."""
    if not may_act_for_actor(user, actor_id):
        raise NotAllowed("only the recyclers of this actor may do this")
