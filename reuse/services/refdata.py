"""Loading the shipped reference data (taxonomy, outcomes, CO2e factor sets); safe to repeat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from reuse.domain.errors import Conflict, FieldError, ValidationFailed
from reuse.models import Category, Co2Factor, FactorSet, Outcome, Subcategory
from reuse.refdata import catalog
from reuse.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Loaded:
    categories: int
    subcategories: int
    outcomes: int
    factor_sets: tuple[str, ...]


def load_reference_data(uow: UnitOfWork, now: datetime | None = None) -> Loaded:
    """Insert or refresh the taxonomy and outcomes, and add factor set v1 if it is missing."""
    with uow:
        categories = _upsert_categories(uow)
        subs = _upsert_subcategories(uow, categories)
        for row in catalog.outcomes():
            uow.session.merge(
                Outcome(
                    slug=row.slug,
                    label_fr=row.label_fr,
                    group=row.group.value,
                    legal_basis=row.legal_basis,
                )
            )
        added = add_factor_set(uow, "v1", "Facteurs CO2e v1", subs, now or datetime.now(UTC))
        uow.commit()
        return Loaded(len(categories), len(subs), len(catalog.outcomes()), added)


def _upsert_categories(uow: UnitOfWork) -> dict[str, Category]:
    existing = {c.slug: c for c in uow.session.scalars(select(Category))}
    for row in catalog.categories():
        category = existing.get(row.slug) or Category(slug=row.slug)
        category.label_fr = row.label_fr
        uow.session.add(category)
        existing[row.slug] = category
    return existing


def _upsert_subcategories(
    uow: UnitOfWork, categories: dict[str, Category]
) -> dict[str, Subcategory]:
    existing = {s.slug: s for s in uow.session.scalars(select(Subcategory))}
    for row in catalog.subcategories():
        sub = existing.get(row.slug) or Subcategory(slug=row.slug)
        sub.category = categories[row.category_slug]
        sub.label_fr, sub.qfdmo_codes, sub.rep_filiere = (
            row.label_fr,
            list(row.qfdmo_codes),
            row.rep_filiere,
        )
        sub.ewc_code, sub.reusable, sub.unit_kg = row.ewc_code, row.is_reusable, row.unit_kg
        sub.unit_kg_is_estimate = row.unit_kg_quality != "sourced"
        sub.min_item_kg, sub.max_item_kg, sub.source = row.min_item_kg, row.max_item_kg, row.source
        uow.session.add(sub)
        existing[row.slug] = sub
    uow.session.flush()
    return existing


def add_factor_file(
    uow: UnitOfWork, *, version: str, text: str, label: str, now: datetime | None = None
) -> int:
    """Load a new factor-set version from CSV text; return its number of factors.

    An existing version is refused, never altered: published figures cite it.
    """
    rows = catalog.factors_from_text(version, text)
    with uow:
        subs = {s.slug: s for s in uow.session.scalars(select(Subcategory))}
        unknown = sorted({r.subcategory_slug for r in rows} - subs.keys())
        if unknown:
            raise ValidationFailed(
                [FieldError("subcategory_slug", "unknown", f"unknown: {', '.join(unknown)}")]
            )
        if not add_factor_set(uow, version, label, subs, now or datetime.now(UTC), rows):
            raise Conflict(f"factor set {version} already exists; it is never altered")
        uow.commit()
        return len(rows)


def add_factor_set(
    uow: UnitOfWork,
    version: str,
    label: str,
    subs: dict[str, Subcategory],
    now: datetime,
    rows: Sequence[catalog.FactorRow] | None = None,
) -> tuple[str, ...]:
    """Add a factor set once (the shipped file unless `rows` are given); never alter one."""
    if uow.session.get(FactorSet, version) is not None:
        return ()
    uow.session.add(FactorSet(version=version, label=label, loaded_at=now))
    uow.session.flush()
    for row in catalog.factors(version) if rows is None else rows:
        uow.session.add(
            Co2Factor(
                factor_set_version=version,
                subcategory_id=subs[row.subcategory_slug].id,
                kgco2e_per_kg=row.kgco2e_per_kg,
                quality=row.quality,
                basis=row.basis,
                source=row.source,
            )
        )
    return (version,)
