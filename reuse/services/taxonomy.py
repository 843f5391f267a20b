"""The object taxonomy as everyone reads it: categories, their subcategories and what
describes them (labels, unit weights, REP filière, waste codes)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from reuse.models import Category, Subcategory
from reuse.services.access import By, acting_user
from reuse.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SubcategoryView:
    slug: str
    category: str
    label: str
    unit_kg: Decimal
    unit_kg_is_estimate: bool
    min_item_kg: Decimal
    max_item_kg: Decimal
    reusable: bool
    rep_filiere: str
    ewc_code: str
    qfdmo_codes: tuple[str, ...]


@dataclass(frozen=True)
class CategoryView:
    slug: str
    label: str
    subcategories: tuple[SubcategoryView, ...]


def subcategory_view(sub: Subcategory) -> SubcategoryView:
    """What is shown of a subcategory."""
    return SubcategoryView(
        sub.slug, sub.category.slug, sub.label_fr, sub.unit_kg, sub.unit_kg_is_estimate,
        sub.min_item_kg, sub.max_item_kg, sub.reusable, sub.rep_filiere, sub.ewc_code,
        tuple(sub.qfdmo_codes),
    )  # fmt: skip


def category_view(category: Category) -> CategoryView:
    """What is shown of a category, its subcategories by slug."""
    subs = sorted(category.subcategories, key=lambda s: s.slug)
    return CategoryView(category.slug, category.label_fr, tuple(subcategory_view(s) for s in subs))


def list_categories(uow: UnitOfWork, *, by: By) -> list[CategoryView]:
    """The whole taxonomy, by slug."""
    with uow:
        acting_user(uow.session, by)
        query = select(Category).options(
            selectinload(Category.subcategories).selectinload(Subcategory.category)
        )
        return [category_view(c) for c in uow.session.scalars(query.order_by(Category.slug))]
