"""Two-level object taxonomy, CO2e factor sets and the outcome vocabulary."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reuse.models.base import Base


class Category(Base):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    label_fr: Mapped[str] = mapped_column(String(200))

    subcategories: Mapped[list[Subcategory]] = relationship(back_populates="category")


class Subcategory(Base):
    __tablename__ = "subcategory"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    label_fr: Mapped[str] = mapped_column(String(200))
    qfdmo_codes: Mapped[list[str]]
    rep_filiere: Mapped[str] = mapped_column(String(200))
    ewc_code: Mapped[str] = mapped_column(String(12))
    reusable: Mapped[bool] = mapped_column(default=True)
    unit_kg: Mapped[Decimal]
    unit_kg_is_estimate: Mapped[bool]
    min_item_kg: Mapped[Decimal]
    max_item_kg: Mapped[Decimal]
    source: Mapped[str] = mapped_column(Text)

    category: Mapped[Category] = relationship(back_populates="subcategories")


class FactorSet(Base):
    """A versioned set of avoided-CO2e factors; published figures name the version they used."""

    __tablename__ = "factor_set"

    version: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime]


class Co2Factor(Base):
    __tablename__ = "co2_factor"

    factor_set_version: Mapped[str] = mapped_column(
        ForeignKey("factor_set.version"), primary_key=True
    )
    subcategory_id: Mapped[int] = mapped_column(ForeignKey("subcategory.id"), primary_key=True)
    kgco2e_per_kg: Mapped[Decimal]
    quality: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class Outcome(Base):
    """What became of received kilograms (réemploi, réparation, recyclage, élimination…)."""

    __tablename__ = "outcome"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    label_fr: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(20))
    legal_basis: Mapped[str] = mapped_column(Text)
