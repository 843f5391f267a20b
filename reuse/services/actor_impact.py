"""An actor's own impact, month by month, read by its recyclers."""

from __future__ import annotations

from reuse.domain.errors import NotFound
from reuse.models import Actor
from reuse.services.access import By, acting_user, ensure_acts_for_actor
from reuse.stats import ActorMonth, Month, actor_impact
from reuse.unit_of_work import UnitOfWork


def impact_of_actor(
    uow: UnitOfWork, *, by: By, actor_id: int, first: Month, last: Month
) -> tuple[ActorMonth, ...]:
    """Received and reused kg, avoided CO2e and collections of the user's actor, by month."""
    with uow:
        ensure_acts_for_actor(acting_user(uow.session, by), actor_id)
        actor = uow.session.get(Actor, actor_id)
        if actor is None:
            raise NotFound(f"no actor {actor_id}")
        slug = actor.slug
    return actor_impact(uow, actor=slug, first=first, last=last)
