"""Bulk generation of years of history for many territories: COPY on PostgreSQL, executemany
on SQLite; kilograms written as their stored integer thousandths."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select

from reuse.models import Actor, Commune, Site, Subcategory, Territory

START = datetime(2022, 1, 1, tzinfo=UTC)
SITES_PER_TERRITORY = 3
ACTORS = 40
OUTCOMES = ("reemploi", "preparation_reutilisation", "reparation", "recyclage", "elimination")
Row = tuple[Any, ...]


def bulk_insert(
    connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Row]
) -> None:
    """Insert many rows fast: COPY on PostgreSQL, executemany of plain values on SQLite."""
    raw: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - fixed names
    raw.cursor().executemany(sql, (tuple(_sqlite(v) for v in row) for row in rows))


def _sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def places(connection: Connection, territories: int) -> list[list[int]]:
    """Create the bench territories, one commune and three sites each; return site ids by territory."""
    found: list[list[int]] = []
    for n in range(territories):
        slug = f"bench-stats-{n:03d}"
        territory = connection.execute(
            insert(Territory).values(slug=slug, name=f"Bench {n}", siren=f"9{n:08d}",
            wave_size=3, wave_growth=3, hold_window_minutes=120).returning(Territory.id)
        ).scalar_one()  # fmt: skip
        insee = f"B{n:04d}"
        connection.execute(insert(Commune).values(
            insee=insee, name=f"Commune {n}", territory_id=territory, lat=48.0, lon=-3.0))  # fmt: skip
        found.append(
            [_site(connection, territory, insee, f"{slug}-{s}") for s in range(SITES_PER_TERRITORY)]
        )
    return found


def _site(connection: Connection, territory: int, insee: str, slug: str) -> int:
    site: int = connection.execute(
        insert(Site).values(slug=slug, territory_id=territory, commune_insee=insee,
        name=slug, lat=48.0, lon=-3.0, coordinates_approximate=True, opening_weekdays=[1, 2, 3],
        active=True).returning(Site.id)
    ).scalar_one()  # fmt: skip
    return site


def actors(connection: Connection) -> list[int]:
    """Create the bench's actors."""
    ids = []
    for n in range(ACTORS):
        ids.append(connection.execute(insert(Actor).values(
            slug=f"bench-stats-actor-{n}", name=f"Actor {n}", kind="ressourcerie",
            commune_insee="29151", commune_name="Morlaix", lat=48.0, lon=-3.0, radius_km=30000,
            weekly_capacity_kg=10_000_000, collection_weekdays=[1, 2, 3, 4, 5], active=True,
            notes="").returning(Actor.id)).scalar_one())  # fmt: skip
    return ids


def subcategory_ids(connection: Connection) -> list[int]:
    """The loaded subcategories (reference data must be loaded)."""
    return list(connection.scalars(select(Subcategory.id).order_by(Subcategory.id)))


def next_id(connection: Connection, table: Any) -> int:
    """One more than the largest id of `table`."""
    return int(connection.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1


def lot_stories(
    rng: random.Random, site_ids: list[list[int]], subs: list[int], per_year: int, years: int
) -> Iterator[tuple[int, int, int, datetime, bool]]:
    """Draw (site, subcategory, estimated thousandths, declared at, claimed?) for every lot."""
    span = timedelta(days=365 * years).total_seconds()
    for sites in site_ids:
        for _ in range(per_year * years):
            at = START + timedelta(seconds=int(rng.random() * span))
            yield (
                rng.choice(sites),
                rng.choice(subs),
                rng.randint(1_000, 400_000),
                at,
                rng.random() < 0.78,
            )
