"""Lots declared at a site, and the log that explains every change of their status."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reuse.models.base import Base
from reuse.models.taxonomy import Subcategory
from reuse.models.territory import Site


class Lot(Base):
    __tablename__ = "lot"
    __table_args__ = (
        CheckConstraint("estimated_kg > 0", name="estimated_kg_positive"),
        CheckConstraint(
            "remaining_kg >= 0 AND remaining_kg <= estimated_kg", name="remaining_kg_in_range"
        ),
        CheckConstraint("deadline > available_from", name="deadline_after_availability"),
        Index("ix_lot_status_deadline", "status", "deadline"),
        Index("ix_lot_site_declared_at", "site_id", "declared_at"),
        Index("ix_lot_site_deadline", "site_id", "deadline"),
        # Lists are newest first: a page is read off this index, whatever the lots' count.
        Index("ix_lot_declared_at_id", "declared_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    subcategory_id: Mapped[int] = mapped_column(ForeignKey("subcategory.id"), index=True)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    item_count: Mapped[int | None]
    estimated_kg: Mapped[Decimal]
    weight_is_estimate: Mapped[bool] = mapped_column(default=False)
    weight_flag: Mapped[str | None] = mapped_column(String(40))
    condition: Mapped[str] = mapped_column(String(20))
    photos: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    available_from: Mapped[datetime]
    deadline: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    remaining_kg: Mapped[Decimal]
    declared_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    wave: Mapped[int] = mapped_column(default=0)
    next_wave_at: Mapped[datetime | None] = mapped_column(index=True)

    site: Mapped[Site] = relationship()
    subcategory: Mapped[Subcategory] = relationship()
    status_log: Mapped[list[StatusLogEntry]] = relationship(
        back_populates="lot", order_by="StatusLogEntry.id"
    )


class StatusLogEntry(Base):
    """Who moved a lot from which status to which, when and why."""

    __tablename__ = "status_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    at: Mapped[datetime]
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(String(36))

    lot: Mapped[Lot] = relationship(back_populates="status_log")
