"""Offers to actors, their claims, the weighing at reception and the reported outcomes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reuse.models.actor import Actor
from reuse.models.base import Base
from reuse.models.lot import Lot


class Offer(Base):
    """A lot proposed to one actor, with its rank, distance, score and reasons."""

    __tablename__ = "offer"
    __table_args__ = (
        UniqueConstraint("lot_id", "actor_id"),
        # An actor's recent offers (fairness in ranking) are counted on every match.
        Index("ix_offer_actor_sent_at", "actor_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"))
    wave: Mapped[int]
    rank: Mapped[int]
    distance_km: Mapped[Decimal]
    score: Mapped[Decimal]
    reasons: Mapped[list[str]]
    status: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    lot: Mapped[Lot] = relationship()
    actor: Mapped[Actor] = relationship()


class Claim(Base):
    """An actor taking all or part of a lot, with its pickup slot."""

    __tablename__ = "claim"
    __table_args__ = (
        CheckConstraint("kg > 0", name="kg_positive"),
        UniqueConstraint("actor_id", "idempotency_key"),
        Index("ix_claim_lot_status", "lot_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"), index=True)
    kg: Mapped[Decimal]
    item_count: Mapped[int | None]
    week_start: Mapped[date]
    status: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    pickup_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime]
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    lot: Mapped[Lot] = relationship()
    offer: Mapped[Offer] = relationship()
    actor: Mapped[Actor] = relationship()
    reception: Mapped[Reception | None] = relationship(back_populates="claim")


def site_of_claimed_lot(context: DefaultExecutionContext) -> int | None:
    """The site of the lot a reception's claim is on (the default of `reception.site_id`)."""
    claim_id = context.get_current_parameters()["claim_id"]  # type: ignore[no-untyped-call]
    query = select(Lot.site_id).join(Claim, Claim.lot_id == Lot.id).where(Claim.id == claim_id)
    site: int | None = context.connection.scalar(query)
    return site


class Reception(Base):
    """The measured weight of what one claim actually brought in.

    It carries its lot's site so a territory's months of receptions are one index range.
    """

    __tablename__ = "reception"
    __table_args__ = (
        CheckConstraint("measured_kg > 0", name="measured_kg_positive"),
        Index("ix_reception_site_received_at", "site_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), default=site_of_claimed_lot)
    measured_kg: Mapped[Decimal]
    received_at: Mapped[datetime] = mapped_column(index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    anomaly: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")

    claim: Mapped[Claim] = relationship(back_populates="reception")
    outcome_lines: Mapped[list[OutcomeLine]] = relationship(back_populates="reception")


class OutcomeLine(Base):
    """Kilograms of one reception that went to one outcome."""

    __tablename__ = "outcome_line"
    __table_args__ = (
        CheckConstraint("kg > 0", name="kg_positive"),
        UniqueConstraint("reception_id", "outcome_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reception_id: Mapped[int] = mapped_column(ForeignKey("reception.id"))
    outcome_slug: Mapped[str] = mapped_column(ForeignKey("outcome.slug"))
    kg: Mapped[Decimal]
    reported_at: Mapped[datetime]
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    reception: Mapped[Reception] = relationship(back_populates="outcome_lines")


class SupersededOutcome(Base):
    """An outcome line as it stood before a correction replaced it: who changed it, when and why."""

    __tablename__ = "superseded_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    reception_id: Mapped[int] = mapped_column(ForeignKey("reception.id"), index=True)
    outcome_slug: Mapped[str] = mapped_column(ForeignKey("outcome.slug"))
    kg: Mapped[Decimal]
    reported_at: Mapped[datetime]
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    superseded_at: Mapped[datetime]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text)
