"""One demo user per role, with fixed passwords printed by the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reuse.domain.vocabulary import Role
from reuse.models import Actor, Membership, Site, Territory, User
from reuse.services.accounts import hash_password

AGENT_EMAIL = "agent@morlaix.demo"
SITE_AGENT_EMAIL = "agent.morlaix@morlaix.demo"
SITE_AGENT_SITE = "decheterie_morlaix"


@dataclass(frozen=True)
class DemoLogin:
    """A demo account: e-mail, password, role and what the role applies to."""

    email: str
    password: str
    role: str
    scope: str


@dataclass(frozen=True)
class DemoUserSpec:
    email: str
    password: str
    display_name: str
    role: Role
    site: str | None = None
    actor: str | None = None


DEMO_USERS = (
    DemoUserSpec(AGENT_EMAIL, "demo-agent-2026", "Agent de Morlaix Communauté", Role.AGENT),
    DemoUserSpec(
        SITE_AGENT_EMAIL,
        "demo-site-2026",
        "Agent de la déchèterie de Morlaix",
        Role.AGENT,
        site=SITE_AGENT_SITE,
    ),
    DemoUserSpec(
        "recycleur@chiffonniers.demo",
        "demo-chiffonniers-2026",
        "Les Chiffonniers de la Joie",
        Role.RECYCLER,
        actor="chiffonniers_de_la_joie",
    ),
    DemoUserSpec(
        "recycleur@emmaus-morlaix.demo",
        "demo-emmaus-2026",
        "Emmaüs Morlaix",
        Role.RECYCLER,
        actor="emmaus_morlaix",
    ),
    DemoUserSpec(
        "elu@morlaix.demo", "demo-viewer-2026", "Élu de Morlaix Communauté", Role.TERRITORY_VIEWER
    ),
    DemoUserSpec("admin@reuse.demo", "demo-admin-2026", "Administrateur", Role.ADMIN),
)


def ensure_users(session: Session, territory: Territory, now: datetime) -> tuple[DemoLogin, ...]:
    """Create the demo users that are missing; return every demo login."""
    taken = set(session.scalars(select(User.email).where(User.email.in_(_emails()))))
    logins = []
    for spec in DEMO_USERS:
        membership, scope = _membership(session, spec, territory)
        if spec.email not in taken:
            session.add(
                User(
                    email=spec.email,
                    display_name=spec.display_name,
                    created_at=now,
                    password_hash=hash_password(spec.password),
                    memberships=[membership],
                )
            )
        logins.append(DemoLogin(spec.email, spec.password, spec.role.value, scope))
    session.flush()
    return tuple(logins)


def _emails() -> list[str]:
    return [spec.email for spec in DEMO_USERS]


def _membership(
    session: Session, spec: DemoUserSpec, territory: Territory
) -> tuple[Membership, str]:
    """The role of a demo user and a French label of what it covers."""
    if spec.role == Role.ADMIN:
        return Membership(role=spec.role.value), "plateforme"
    if spec.actor is not None:
        actor = session.scalars(select(Actor).where(Actor.slug == spec.actor)).one()
        return Membership(role=spec.role.value, actor_id=actor.id), actor.name
    if spec.site is not None:
        site = session.scalars(select(Site).where(Site.slug == spec.site)).one()
        membership = Membership(role=spec.role.value, territory_id=territory.id, site_id=site.id)
        return membership, site.name
    return Membership(role=spec.role.value, territory_id=territory.id), territory.name


def user_ids(session: Session) -> dict[str, int]:
    """Ids of the demo users by e-mail."""
    rows = session.execute(select(User.email, User.id).where(User.email.in_(_emails())))
    return {email: id_ for email, id_ in rows}
