"""The breakdowns of the figures: what each one groups by and which tables it needs.

A breakdown joins onto a *source* of rows that carries `site_id` and `subcategory_id` (a lot,
or a monthly rollup) and, for the breakdown by actor, `actor_id`; the site is always joined.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, literal
from sqlalchemy.orm import aliased

from reuse.models import Actor, Category, Commune, Site, Subcategory

Join = Callable[[Any], tuple[Any, ColumnElement[bool]]]


def _subcategory(source: Any) -> tuple[Any, ColumnElement[bool]]:
    return Subcategory, Subcategory.id == source.subcategory_id


def _category(_: Any) -> tuple[Any, ColumnElement[bool]]:
    return Category, Category.id == Subcategory.category_id


def _actor(source: Any) -> tuple[Any, ColumnElement[bool]]:
    return Actor, Actor.id == source.actor_id


@dataclass(frozen=True)
class Dimension:
    """One breakdown: its key and label columns, the joins they need, and whether lot-level
    figures (declared, missed, hours to first claim) can be attributed to its keys."""

    name: str
    key: Any
    label: Any
    joins: tuple[Join, ...]
    per_lot: bool = True

    def apply(self, query: Select[Any], source: Any) -> Select[Any]:
        """Add the joins this breakdown needs to `query` (which already joins source and site)."""
        for join in self.joins:
            query = query.join(*join(source))
        return query


TOTAL = Dimension("total", literal(""), literal("Total"), ())
SiteCommune = aliased(Commune)


def _commune(_: Any) -> tuple[Any, ColumnElement[bool]]:
    return SiteCommune, SiteCommune.insee == Site.commune_insee


DIMENSIONS: dict[str, Dimension] = {
    "category": Dimension("category", Category.slug, Category.label_fr, (_subcategory, _category)),
    "subcategory": Dimension(
        "subcategory", Subcategory.slug, Subcategory.label_fr, (_subcategory,)
    ),
    "site": Dimension("site", Site.slug, Site.name, ()),
    "commune": Dimension("commune", SiteCommune.insee, SiteCommune.name, (_commune,)),
    "rep": Dimension("rep", Subcategory.rep_filiere, Subcategory.rep_filiere, (_subcategory,)),
    "actor": Dimension("actor", Actor.slug, Actor.name, (_actor,), per_lot=False),
}


def dimension(name: str | None) -> Dimension:
    """The breakdown called `name` (None or "total": no breakdown)."""
    if name is None or name == "total":
        return TOTAL
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise ValueError(f"unknown breakdown {name!r}: one of {', '.join(DIMENSIONS)}") from None
