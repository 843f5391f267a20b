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
