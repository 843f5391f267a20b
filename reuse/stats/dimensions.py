"""The breakdowns of the figures: what each one groups by and which tables it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, literal
from sqlalchemy.orm import aliased

from reuse.models import Actor, Category, Claim, Commune, Lot, Site, Subcategory

Join = tuple[Any, ColumnElement[bool]]

SUBCATEGORY = (Subcategory, Subcategory.id == Lot.subcategory_id)
CATEGORY = (Category, Category.id == Subcategory.category_id)


@dataclass(frozen=True)
class Dimension:
    """One breakdown: its key and label columns, the joins they need, and whether lot-level
    figures (declared, missed, hours to first claim) can be attributed to its keys."""

    name: str
    key: Any
    label: Any
    joins: tuple[Join, ...]
    per_lot: bool = True

    def apply(self, query: Select[tuple[object, ...]]) -> Select[tuple[object, ...]]:
        """Add the joins this breakdown needs to `query` (which already joins lot and site)."""
        for target, onclause in self.joins:
            query = query.join(target, onclause)
        return query


TOTAL = Dimension("total", literal(""), literal("Total"), ())
SiteCommune = aliased(Commune)

DIMENSIONS: dict[str, Dimension] = {
    "category": Dimension("category", Category.slug, Category.label_fr, (SUBCATEGORY, CATEGORY)),
    "subcategory": Dimension("subcategory", Subcategory.slug, Subcategory.label_fr, (SUBCATEGORY,)),
    "site": Dimension("site", Site.slug, Site.name, ()),
    "commune": Dimension(
        "commune",
        SiteCommune.insee,
        SiteCommune.name,
        ((SiteCommune, SiteCommune.insee == Site.commune_insee),),
    ),
    "rep": Dimension("rep", Subcategory.rep_filiere, Subcategory.rep_filiere, (SUBCATEGORY,)),
    "actor": Dimension(
        "actor",
        Actor.slug,
        Actor.name,
        ((Actor, Actor.id == Claim.actor_id),),
        per_lot=False,
    ),
}


def dimension(name: str | None) -> Dimension:
    """The breakdown called `name` (None or "total": no breakdown)."""
    if name is None or name == "total":
        return TOTAL
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise ValueError(f"unknown breakdown {name!r}: one of {', '.join(DIMENSIONS)}") from None
