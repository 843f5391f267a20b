"""Territories (EPCI), their communes and their sites (déchèteries)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reuse.models.base import Base


class Territory(Base):
    __tablename__ = "territory"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    siren: Mapped[str] = mapped_column(String(9), unique=True)
    wave_size: Mapped[int] = mapped_column(default=3)
    wave_growth: Mapped[int] = mapped_column(default=3)
    hold_window_minutes: Mapped[int] = mapped_column(default=120)

    communes: Mapped[list[Commune]] = relationship(back_populates="territory")
    sites: Mapped[list[Site]] = relationship(back_populates="territory")


class Commune(Base):
    __tablename__ = "commune"

    insee: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id"), index=True)
    population: Mapped[int | None]
    lat: Mapped[float]
    lon: Mapped[float]

    territory: Mapped[Territory | None] = relationship(back_populates="communes")


class Site(Base):
    """A déchèterie or collection point where agents declare lots."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"), index=True)
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float]
    lon: Mapped[float]
    coordinates_approximate: Mapped[bool] = mapped_column(default=False)
    opening_weekdays: Mapped[list[int]]
    active: Mapped[bool] = mapped_column(default=True)

    territory: Mapped[Territory] = relationship(back_populates="sites")
    commune: Mapped[Commune] = relationship()
