"""Which of my actors a recycler page is about: `?acteur=<id>`, else the first by name.

A recycler may work for several actors (two shops of one association, say); its settings and
impact pages then show one actor at a time, with links to the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, request

from reuse.services.recycler_board import ActorCard, my_actors
from web.auth.session import me
from web.context import runtime

CHOICE = "acteur"


@dataclass(frozen=True)
class ActorChoice:
    actor: ActorCard
    actors: list[ActorCard]

    @property
    def args(self) -> dict[str, Any]:
        """What URLs of the page carry to stay on this actor (nothing when there is one)."""
        return {CHOICE: self.actor.id} if len(self.actors) > 1 else {}


def chosen_actor() -> ActorChoice:
    """The actor the request asks for among mine (404 if not mine), else my first."""
    actors = my_actors(runtime().uow(), by=me().acting)
    wanted = request.args.get(CHOICE, type=int)
    if wanted is None:
        return ActorChoice(actors[0], actors)
    chosen = next((actor for actor in actors if actor.id == wanted), None)
    if chosen is None:
        abort(404)
    return ActorChoice(chosen, actors)
