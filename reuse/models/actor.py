"""Reuse actors (ressourceries, recycleries, Emmaüs, repair workshops…) and what they accept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reuse.models.base import Base


class Actor(Base):
    __tablename__ = "actor"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    siret: Mapped[str | None] = mapped_column(String(14))
    commune_insee: Mapped[str] = mapped_column(String(5))
    commune_name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float]
    lon: Mapped[float]
    coordinates_approximate: Mapped[bool] = mapped_column(default=False)
    radius_km: Mapped[Decimal]
    weekly_capacity_kg: Mapped[Decimal]
    collection_weekdays: Mapped[list[int]]
    active: Mapped[bool] = mapped_column(default=True)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str] = mapped_column(Text, default="")

    accepts: Mapped[list[ActorAcceptance]] = relationship(
        back_populates="actor", cascade="all, delete-orphan"
    )


class ActorAcceptance(Base):
    """One accepted (subcategory, condition) pair of an actor."""

    __tablename__ = "actor_acceptance"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"), primary_key=True)
    subcategory_id: Mapped[int] = mapped_column(ForeignKey("subcategory.id"), primary_key=True)
    condition: Mapped[str] = mapped_column(String(20), primary_key=True)

    actor: Mapped[Actor] = relationship(back_populates="accepts")


class DirectoryVersion(Base):
    """One row whose version goes up with every committed change to actors or what they accept:
    each process's cached actor index reloads when it sees a new version."""

    __tablename__ = "directory_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]


class ActorWeek(Base):
    """Kilograms an actor has claimed in one ISO week, guarded against its weekly capacity."""

    __tablename__ = "actor_week"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"), primary_key=True)
    week_start: Mapped[date] = mapped_column(primary_key=True)
    claimed_kg: Mapped[Decimal]
