"""Admins shape the taxonomy (labels, unit weights, reusable flag) and add CO2e factor sets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reuse.domain.errors import FieldError, NotFound
from reuse.models import Category, Co2Factor, FactorSet, Subcategory
from reuse.services.access import By
from reuse.services.administration import (
    admin_of,
    changed,
    kilogram_errors,
    name_errors,
    refuse,
    slug_errors,
    unique_errors,
)
from reuse.services.refdata import add_factor_file
from reuse.services.taxonomy import CategoryView, SubcategoryView, category_view, subcategory_view
from reuse.unit_of_work import UnitOfWork

EWC_CODE = re.compile(r"^\d{2} \d{2} \d{2}\*?$")
SUBCATEGORY_SLUG = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")
VERSION = re.compile(r"^[A-Za-z0-9]{1,20}$")
T = TypeVar("T", Category, Subcategory)
HEAVIEST_ITEM_KG = Decimal(10_000)
SUBCATEGORY_FIELDS = ("label", "unit_kg", "unit_kg_is_estimate", "min_item_kg", "max_item_kg",
                      "reusable", "rep_filiere", "ewc_code", "qfdmo_codes")  # fmt: skip


@dataclass(frozen=True)
class SubcategoryDraft:
    slug: str
    category: str
    label: str
    unit_kg: Decimal
    min_item_kg: Decimal
    max_item_kg: Decimal
    rep_filiere: str
    ewc_code: str
    unit_kg_is_estimate: bool = True
    reusable: bool = True
    qfdmo_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactorSetView:
    version: str
    label: str
    loaded_at: datetime
    factors: int


def create_category(uow: UnitOfWork, *, by: By, slug: str, label: str) -> CategoryView:
    """Add an empty category."""
    with uow:
        admin_of(uow.session, by)
        category = Category(slug=slug)
        refuse(slug_errors(uow.session, Category.slug, slug, None) + name_errors("label", label))
        category.label_fr = label
        uow.session.add(category)
        uow.commit()
        return category_view(category)


def rename_category(uow: UnitOfWork, *, by: By, slug: str, label: str) -> CategoryView:
    """Change a category's label; its slug is stable."""
    with uow:
        admin_of(uow.session, by)
        category = _by_slug(uow.session, Category, slug)
        refuse(name_errors("label", label))
        category.label_fr = label
        uow.commit()
        return category_view(category)


def create_subcategory(uow: UnitOfWork, *, by: By, draft: SubcategoryDraft) -> SubcategoryView:
    """Add a subcategory under its category (its slug starts with the category's)."""
    with uow:
        admin_of(uow.session, by)
        sub = Subcategory(slug=draft.slug, source="admin")
        _write(uow.session, sub, draft)
        uow.commit()
        return subcategory_view(sub)


def update_subcategory(
    uow: UnitOfWork, *, by: By, slug: str, changes: Mapping[str, Any]
) -> SubcategoryView:
    """Change a subcategory's label, weights, reusable flag or codes; lots keep their weights."""
    with uow:
        admin_of(uow.session, by)
        sub = _by_slug(uow.session, Subcategory, slug)
        current = SubcategoryDraft(
            sub.slug, sub.category.slug, sub.label_fr, sub.unit_kg, sub.min_item_kg,
            sub.max_item_kg, sub.rep_filiere, sub.ewc_code, sub.unit_kg_is_estimate,
            sub.reusable, tuple(sub.qfdmo_codes),
        )  # fmt: skip
        _write(uow.session, sub, changed(current, changes, SUBCATEGORY_FIELDS))
        uow.commit()
        return subcategory_view(sub)


def _write(session: Session, sub: Subcategory, draft: SubcategoryDraft) -> None:
    category = session.scalar(select(Category).where(Category.slug == draft.category))
    refuse(_errors(session, sub, draft, category))
    assert category is not None  # refused above otherwise
    values = asdict(draft)
    sub.label_fr, sub.category = values.pop("label"), category
    del values["category"]
    values["qfdmo_codes"] = list(draft.qfdmo_codes)
    for name, value in values.items():
        setattr(sub, name, value)
    session.add(sub)
    session.flush()


def _errors(
    session: Session, sub: Subcategory, draft: SubcategoryDraft, category: Category | None
) -> list[FieldError]:
    errors = []
    if category is None:
        errors.append(FieldError("category", "unknown", f"no category {draft.category!r}"))
    if not SUBCATEGORY_SLUG.match(draft.slug) or not draft.slug.startswith(f"{draft.category}."):
        errors.append(FieldError("slug", "invalid", "the category's slug, a dot, then a word"))
    else:
        errors += unique_errors(session, Subcategory.slug, draft.slug, sub.id, "slug")
    errors += name_errors("label", draft.label) + name_errors("rep_filiere", draft.rep_filiere)
    for field in ("unit_kg", "min_item_kg", "max_item_kg"):
        errors += kilogram_errors(field, getattr(draft, field), most=HEAVIEST_ITEM_KG)
    if not draft.min_item_kg <= draft.unit_kg <= draft.max_item_kg:
        errors.append(FieldError("unit_kg", "out_of_range", "between min_item_kg and max_item_kg"))
    if not EWC_CODE.match(draft.ewc_code):
        errors.append(FieldError("ewc_code", "invalid", "a European waste code like 20 03 07"))
    return errors


def _by_slug(session: Session, model: type[T], slug: str) -> T:
    found = session.scalar(select(model).where(model.slug == slug))
    if found is None:
        raise NotFound(f"no {model.__name__.lower()} {slug!r}")
    return found


def list_factor_sets(uow: UnitOfWork, *, by: By) -> list[FactorSetView]:
    """Every CO2e factor set, newest first, with its number of factors."""
    with uow:
        admin_of(uow.session, by)
        return _factor_sets(uow.session)


def _factor_sets(session: Session, version: str | None = None) -> list[FactorSetView]:
    query = (
        select(FactorSet, func.count(Co2Factor.subcategory_id))
        .outerjoin(Co2Factor, Co2Factor.factor_set_version == FactorSet.version)
        .group_by(FactorSet.version)
        .order_by(FactorSet.loaded_at.desc(), FactorSet.version.desc())
    )
    if version is not None:
        query = query.where(FactorSet.version == version)
    return [
        FactorSetView(s.version, s.label, s.loaded_at, count) for s, count in session.execute(query)
    ]


def add_factor_set(
    uow: UnitOfWork, *, by: By, version: str, label: str, csv_text: str
) -> FactorSetView:
    """Load a new factor-set version from CSV text; an existing version is never altered."""
    with uow:
        admin_of(uow.session, by)
    refuse(_factor_set_errors(version, label))
    try:
        add_factor_file(uow, version=version, text=csv_text, label=label)
    except (ValueError, KeyError, InvalidOperation) as error:
        refuse([FieldError("file", "invalid", f"not a factor-set CSV: {error}")])
    with uow:
        return _factor_sets(uow.session, version)[0]


def _factor_set_errors(version: str, label: str) -> list[FieldError]:
    errors = name_errors("label", label)
    if not VERSION.match(version):
        errors.append(FieldError("version", "invalid", "letters and digits, e.g. v2"))
    return errors
