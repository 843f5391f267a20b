"""Parse the reference CSV files shipped in `reuse/refdata/data/` into frozen values."""

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files

from reuse.domain.quantities import kg
from reuse.domain.vocabulary import ActorKind, Condition, OutcomeGroup

Accepted = tuple[tuple[str, frozenset[Condition]], ...]
FACTOR_COLUMNS = ("subcategory_slug", "kgco2e_per_kg", "quality", "basis", "source")


@dataclass(frozen=True)
class CategoryRow:
    slug: str
    label_fr: str


@dataclass(frozen=True)
class SubcategoryRow:
    slug: str
    label_fr: str
    category_slug: str
    qfdmo_codes: tuple[str, ...]
    rep_filiere: str
    ewc_code: str
    is_reusable: bool
    unit_kg: Decimal
    unit_kg_quality: str
    min_item_kg: Decimal
    max_item_kg: Decimal
    source: str


@dataclass(frozen=True)
class FactorRow:
    version: str
    subcategory_slug: str
    kgco2e_per_kg: Decimal
    quality: str
    basis: str
    source: str


@dataclass(frozen=True)
class OutcomeRow:
    slug: str
    label_fr: str
    group: OutcomeGroup
    counts_as_reuse: bool
    legal_basis: str
    meaning: str


@dataclass(frozen=True)
class EwcCodeRow:
    code: str
    is_hazardous: bool
    label_fr: str
    source: str


@dataclass(frozen=True)
class CommuneRow:
    insee: str
    name: str
    epci_siren: str
    population: int
    lat: float
    lon: float
    coord_basis: str
    source: str


@dataclass(frozen=True)
class SiteRow:
    slug: str
    name: str
    insee: str
    lat: float
    lon: float
    opening_weekdays: frozenset[int]
    coord_basis: str
    status_note: str
    source: str


@dataclass(frozen=True)
class ActorRow:
    slug: str
    name: str
    kind: ActorKind
    insee: str
    commune: str
    lat: float
    lon: float
    radius_km: float
    weekly_capacity_kg: Decimal
    collection_weekdays: frozenset[int]
    accepted: Accepted
    source: str
    notes: str


def _rows(name: str) -> Iterator[dict[str, str]]:
    """Yield the rows of data file `name` as dictionaries keyed by column."""
    text = (files("reuse.refdata") / "data" / name).read_text(encoding="utf-8")
    yield from csv.DictReader(io.StringIO(text, newline=""))


def _flag(text: str) -> bool:
    """Read a `true`/`false` cell, refusing anything else."""
    if text not in ("true", "false"):
        raise ValueError(f"expected true or false, got {text!r}")
    return text == "true"


def _weekdays(text: str) -> frozenset[int]:
    """Read `1;2;5` as ISO weekday numbers (Monday = 1)."""
    days = frozenset(int(day) for day in text.split(";") if day)
    if not days <= set(range(1, 8)):
        raise ValueError(f"weekdays must be 1..7, got {text!r}")
    return days


def _accepted(text: str) -> Accepted:
    """Read `slug:as_is+to_repair;slug:as_is` as (subcategory, conditions) pairs."""
    pairs = []
    for item in filter(None, text.split(";")):
        slug, _, conditions = item.partition(":")
        pairs.append((slug, frozenset(Condition(c) for c in conditions.split("+"))))
    return tuple(pairs)


@cache
def categories() -> tuple[CategoryRow, ...]:
    """Return the top-level categories in file order."""
    seen: dict[str, CategoryRow] = {}
    for row in _rows("categories.csv"):
        slug = row["category_slug"]
        seen.setdefault(slug, CategoryRow(slug=slug, label_fr=row["category_label_fr"]))
    return tuple(seen.values())


@cache
def subcategories() -> tuple[SubcategoryRow, ...]:
    """Return every subcategory with its mappings and default unit weight."""
    return tuple(
        SubcategoryRow(
            slug=row["subcategory_slug"],
            label_fr=row["subcategory_label_fr"],
            category_slug=row["category_slug"],
            qfdmo_codes=tuple(code for code in row["qfdmo_codes"].split(";") if code),
            rep_filiere=row["rep_filiere"],
            ewc_code=row["ewc_code"],
            is_reusable=_flag(row["reusable"]),
            unit_kg=kg(row["unit_kg"]),
            unit_kg_quality=row["unit_kg_quality"],
            min_item_kg=kg(row["min_item_kg"]),
            max_item_kg=kg(row["max_item_kg"]),
            source=row["source"],
        )
        for row in _rows("categories.csv")
    )


@cache
def factors(version: str = "v1") -> tuple[FactorRow, ...]:
    """Return the avoided-CO2e factors (kg CO2e per kg reused) of one shipped factor-set version."""
    if not version.isalnum():
        raise ValueError(f"not a factor-set version: {version!r}")
    return factors_from_rows(version, _rows(f"co2_factors_{version}.csv"))


def factors_from_text(version: str, text: str) -> tuple[FactorRow, ...]:
    """Read a factor-set CSV (the columns of co2_factors_v1.csv) given as text; refuse a bad one."""
    if not version.isalnum():
        raise ValueError(f"not a factor-set version: {version!r}")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    missing = [name for name in FACTOR_COLUMNS if name not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(
            f"missing columns: {', '.join(missing)} (expected {', '.join(FACTOR_COLUMNS)})"
        )
    found = factors_from_rows(version, reader)
    if not found:
        raise ValueError("the file holds no factor")
    counts = Counter(row.subcategory_slug for row in found)
    repeated = sorted(slug for slug, count in counts.items() if count > 1)
    if repeated:
        raise ValueError(f"more than one factor for: {', '.join(repeated)}")
    return found


def factors_from_rows(version: str, rows: Iterable[dict[str, str]]) -> tuple[FactorRow, ...]:
    """Turn CSV rows into factors; a factor must be a number >= 0 with at most three decimals."""
    found = []
    for row in rows:
        if any(row.get(name) is None for name in FACTOR_COLUMNS):
            raise ValueError(f"incomplete row: {','.join(v or '' for v in row.values())!r}")
        found.append(
            FactorRow(
                version=version,
                subcategory_slug=row["subcategory_slug"],
                kgco2e_per_kg=_factor(row["subcategory_slug"], row["kgco2e_per_kg"]),
                quality=row["quality"],
                basis=row["basis"],
                source=row["source"],
            )
        )
    return tuple(found)


def _factor(slug: str, text: str) -> Decimal:
    try:
        value = Decimal(text)
        if value.is_finite() and value >= 0 and value == kg(value):
            return value
    except ArithmeticError:
        pass
    raise ValueError(f"{slug}: factor {text!r} is not a number >= 0 with at most 3 decimals")


@cache
def outcomes() -> tuple[OutcomeRow, ...]:
    """Return the outcome vocabulary with the group each outcome counts in."""
    return tuple(
        OutcomeRow(
            slug=row["slug"],
            label_fr=row["label_fr"],
            group=OutcomeGroup(row["group"]),
            counts_as_reuse=_flag(row["counts_as_reuse"]),
            legal_basis=row["legal_basis"],
            meaning=row["meaning"],
        )
        for row in _rows("outcomes.csv")
    )


@cache
def ewc_codes() -> tuple[EwcCodeRow, ...]:
    """Return the European waste codes the taxonomy may point to."""
    return tuple(
        EwcCodeRow(
            code=row["code_display"],
            is_hazardous=_flag(row["hazardous"]),
            label_fr=row["label_fr"],
            source=row["source"],
        )
        for row in _rows("ewc_codes.csv")
    )


@cache
def communes() -> tuple[CommuneRow, ...]:
    """Return the communes of the demo territory (Morlaix Communauté)."""
    return tuple(
        CommuneRow(
            insee=row["insee"],
            name=row["name"],
            epci_siren=row["epci_siren"],
            population=int(row["population"]),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            coord_basis=row["coord_basis"],
            source=row["source"],
        )
        for row in _rows("communes.csv")
    )


@cache
def sites() -> tuple[SiteRow, ...]:
    """Return the demo territory's déchèteries."""
    return tuple(
        SiteRow(
            slug=row["slug"],
            name=row["name"],
            insee=row["insee"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            opening_weekdays=_weekdays(row["opening_weekdays"]),
            coord_basis=row["coord_basis"],
            status_note=row["status_note"],
            source=row["source"],
        )
        for row in _rows("sites.csv")
    )


@cache
def actors() -> tuple[ActorRow, ...]:
    """Return the reuse actors of the demo region (Finistère and its edge)."""
    return tuple(
        ActorRow(
            slug=row["slug"],
            name=row["name"],
            kind=ActorKind(row["kind"]),
            insee=row["insee"],
            commune=row["commune"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            radius_km=float(row["radius_km"]),
            weekly_capacity_kg=kg(row["weekly_capacity_kg"]),
            collection_weekdays=_weekdays(row["collection_weekdays"]),
            accepted=_accepted(row["accepted"]),
            source=row["source"],
            notes=row["notes"],
        )
        for row in _rows("actors.csv")
    )
