"""Published monthly figures: what a territory published, under which CO2e factor-set version."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reuse.models.base import Base


class PublishedFigures(Base):
    """One month of a territory's figures as computed once; rows are added, never changed."""

    __tablename__ = "published_figures"
    __table_args__ = (
        UniqueConstraint("territory_id", "month", "factor_set_version", "computed_at"),
        Index("ix_published_figures_territory_month", "territory_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    month: Mapped[str] = mapped_column(String(7))
    factor_set_version: Mapped[str] = mapped_column(ForeignKey("factor_set.version"))
    diverted_kg: Mapped[Decimal]
    reused_kg: Mapped[Decimal]
    missed_kg: Mapped[Decimal]
    avoided_co2e_kg: Mapped[Decimal]
    figures: Mapped[dict[str, Any]]
    computed_at: Mapped[datetime]


class LotMonth(Base):
    """Monthly rollup of lots by site and subcategory, maintained on every commit that changes
    one (reuse/stats/rollups.py): kg and number of lots declared in the month, and kg missed
    (expired unclaimed) or withdrawn at expiry among the lots whose deadline is in the month."""

    __tablename__ = "lot_month"

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    subcategory_id: Mapped[int] = mapped_column(ForeignKey("subcategory.id"), primary_key=True)
    declared_kg: Mapped[Decimal]
    lots: Mapped[int]
    missed_kg: Mapped[Decimal]
    withdrawn_kg: Mapped[Decimal]


class ReceptionMonth(Base):
    """Monthly rollup of receptions by site, subcategory and actor, maintained like LotMonth:
    measured and claimed kg, number of receptions, and current outcome kg per outcome group."""

    __tablename__ = "reception_month"

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    subcategory_id: Mapped[int] = mapped_column(ForeignKey("subcategory.id"), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"), primary_key=True)
    received_kg: Mapped[Decimal]
    claimed_kg: Mapped[Decimal]
    receptions: Mapped[int]
    reuse_kg: Mapped[Decimal]
    recycling_kg: Mapped[Decimal]
    energy_recovery_kg: Mapped[Decimal]
    disposal_kg: Mapped[Decimal]
