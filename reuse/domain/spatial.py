"""A grid prefilter answering "whose service disc may contain this point?".

Each disc is filed under every latitude/longitude cell its bounding box touches, so a
query reads a single cell. A disc may have several radii (tiers, e.g. the usual and the
widened service radius): a cell lists its owners nearest tier first, so a query for the
usual reach skips the discs that only the widened one brings in.

The answer is conservative: it never misses a disc that holds the point and may include a
few that do not; the exact distance check is the caller's.
"""

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from math import floor

from reuse.domain.geo import disc_bounds

DEFAULT_CELL_DEG = 0.25
"""Cell side in degrees, chosen by measuring `reuse bench matching` (see the benchmark)."""

KeyedDisc = tuple[str, float, float, Sequence[float], Iterable[str]]
"""(owner id, latitude, longitude, radii in km by tier, keys it is filed under).

Radii grow with the tier: tier 0 is the usual reach, later tiers widened ones.
"""

_NO_CANDIDATES: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GridShape:
    """How degrees map to cell numbers; the side must divide 180 and 360 evenly."""

    cell_deg: float = DEFAULT_CELL_DEG

    def __post_init__(self) -> None:
        if self.cell_deg <= 0 or (180 / self.cell_deg) % 1 or (360 / self.cell_deg) % 1:
            raise ValueError(f"cell side {self.cell_deg}° does not divide 180° and 360°")

    @property
    def rows(self) -> int:
        """Number of latitude bands."""
        return round(180 / self.cell_deg)

    @property
    def columns(self) -> int:
        """Number of longitude bands."""
        return round(360 / self.cell_deg)

    def cell_of(self, lat: float, lon: float) -> int:
        """Return the number of the cell holding a point."""
        row = min(self.rows - 1, max(0, floor((lat + 90.0) / self.cell_deg)))
        column = floor(((lon + 180.0) % 360.0) / self.cell_deg) % self.columns
        return row * self.columns + column

    def cells_of_disc(self, lat: float, lon: float, radius_km: float) -> list[int]:
        """Return every cell that the disc's bounding box touches."""
        lat_min, lat_max, lon_min, lon_max = disc_bounds(lat, lon, radius_km)
        side, rows, columns = self.cell_deg, self.rows, self.columns
        first_row = max(0, floor((lat_min + 90.0) / side))
        last_row = min(rows - 1, floor((lat_max + 90.0) / side))
        first_column = floor((lon_min + 180.0) / side)
        last_column = floor((lon_max + 180.0) / side)
        if last_column - first_column + 1 >= columns:
            first_column, last_column = 0, columns - 1
        wrapped = [column % columns for column in range(first_column, last_column + 1)]
        return [
            row * columns + column for row in range(first_row, last_row + 1) for column in wrapped
        ]


GridCell = tuple[tuple[str, ...], tuple[int, ...]]
"""(owners nearest tier first, end of each tier): `owners[: ends[t]]` reach it at tier <= t."""


@dataclass(frozen=True, slots=True)
class GridIndex:
    """Disc owners filed by key and cell; build it with `build_grid_index`."""

    shape: GridShape
    cells: Mapping[str, Mapping[int, GridCell]]

    def candidates(self, key: str, lat: float, lon: float, tier: int = 0) -> tuple[str, ...]:
        """Return the owners filed under `key` whose tier-`tier` disc may hold the point."""
        cells = self.cells.get(key)
        cell = None if cells is None else cells.get(self.shape.cell_of(lat, lon))
        if cell is None:
            return _NO_CANDIDATES
        owners, ends = cell
        end = ends[tier]
        return owners if end == len(owners) else owners[:end]

    def keys(self) -> frozenset[str]:
        """Return the keys that have at least one disc."""
        return frozenset(self.cells)


def build_grid_index(discs: Iterable[KeyedDisc], shape: GridShape | None = None) -> GridIndex:
    """File each disc under every key it names and every cell its widest bounds touch."""
    grid = shape or GridShape()
    filing: dict[str, list[defaultdict[int, list[str]]]] = {}
    # Filing discs in cell order keeps consecutive appends on the same lists (cache-friendly).
    for owner, lat, lon, radii, keys in sorted(discs, key=lambda d: grid.cell_of(d[1], d[2])):
        cells_by_tier = _cells_by_nearest_tier(grid, lat, lon, radii)
        for key in keys:
            tiers = filing.setdefault(key, [])
            tiers.extend(defaultdict(list) for _ in range(len(cells_by_tier) - len(tiers)))
            for by_cell, cells in zip(tiers, cells_by_tier, strict=False):
                # The build files millions of entries: keep this loop inside C.
                deque(map(list.append, map(by_cell.__getitem__, cells), repeat(owner)), 0)
    return GridIndex(grid, {key: _freeze(tiers) for key, tiers in filing.items()})


def _cells_by_nearest_tier(
    grid: GridShape, lat: float, lon: float, radii: Sequence[float]
) -> list[list[int]]:
    """List, per tier, the cells that this tier reaches and no smaller tier does."""
    seen: set[int] = set()
    cells_by_tier = []
    for radius_km in radii:
        cells = [cell for cell in grid.cells_of_disc(lat, lon, radius_km) if cell not in seen]
        seen.update(cells)
        cells_by_tier.append(cells)
    return cells_by_tier


def _freeze(tiers: list[defaultdict[int, list[str]]]) -> dict[int, GridCell]:
    """Merge per-tier owner lists into one tuple per cell, nearest tier first."""
    frozen = {}
    for cell in set().union(*tiers):
        buckets = [by_cell.get(cell, []) for by_cell in tiers]
        ends = tuple(accumulate(len(bucket) for bucket in buckets))
        frozen[cell] = (tuple(chain.from_iterable(buckets)), ends)
    return frozen
