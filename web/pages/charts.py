"""Charts drawn on the server as SVG: the geometry is computed here, `charts.html` draws it.

No JavaScript and no library: a page shows its chart without network, and every chart is
followed by a table of the same numbers for people who cannot see it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from reuse.stats.figures import Figures

STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
TICKS = 4
PALETTE = 13  # colour classes .series-0 … .series-12 in reuse.css


@dataclass(frozen=True)
class Series:
    """One stacked quantity: its key, label and one value per column."""

    key: str
    label: str
    values: tuple[Decimal, ...]


@dataclass(frozen=True)
class Segment:
    """One rectangle of a bar: where it is drawn and which value it stands for."""

    x: float
    y: float
    width: float
    height: float
    colour: int
    label: str
    value: Decimal


@dataclass(frozen=True)
class Column:
    """One bar: its label under the axis, its total and its stacked segments."""

    label: str
    centre: float
    total: Decimal
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Tick:
    """A horizontal grid line and its value."""

    y: float
    value: Decimal


@dataclass(frozen=True)
class Frame:
    """The plotting area inside the SVG canvas (room left for the axis labels)."""

    width: int = 720
    height: int = 320
    left: int = 72
    right: int = 12
    top: int = 12
    bottom: int = 40

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def baseline(self) -> int:
        return self.height - self.bottom


@dataclass(frozen=True)
class BarChart:
    """A stacked bar chart ready to draw: frame, bars, grid, and the series it shows."""

    frame: Frame
    columns: tuple[Column, ...]
    ticks: tuple[Tick, ...]
    series: tuple[Series, ...]

    @property
    def legend(self) -> tuple[tuple[int, str], ...]:
        """Each shown series' colour class number and label."""
        return tuple((i % PALETTE, s.label) for i, s in enumerate(self.series))


def series_of(
    months: Sequence[str], rows: Iterable[Figures], read: Callable[[Figures], Decimal]
) -> list[Series]:
    """One series per breakdown key of a report's rows, one value per month (0 when absent)."""
    by_key: dict[str, dict[str, Decimal]] = {}
    labels: dict[str, str] = {}
    for row in rows:
        by_key.setdefault(row.key, {})[row.month] = read(row)
        labels[row.key] = row.label
    return [
        Series(key, labels[key], tuple(values.get(m, Decimal(0)) for m in months))
        for key, values in sorted(by_key.items(), key=lambda item: labels[item[0]])
    ]


def axis_step(maximum: Decimal, ticks: int = TICKS) -> Decimal:
    """A round grid step (1, 2, 2.5 or 5 times a power of ten) giving at most `ticks` lines."""
    if maximum <= 0:
        return Decimal(1)
    rough = maximum / ticks
    power = Decimal(10) ** (rough.adjusted())
    return next(step * power for step in STEPS if step * power >= rough)


def stacked_bars(
    labels: Sequence[str], series: Sequence[Series], frame: Frame | None = None
) -> BarChart:
    """Stack `series` into one bar per label, scaled to a round axis; empty series are left out."""
    frame = frame or Frame()
    shown = [s for s in series if any(v > 0 for v in s.values)]
    totals = [sum((s.values[i] for s in shown), Decimal(0)) for i in range(len(labels))]
    highest = max(totals, default=Decimal(0))
    step = axis_step(highest)
    top = step * max(Decimal(1), (highest / step).to_integral_value(ROUND_CEILING))
    scale = Decimal(frame.plot_height) / top
    slot = Decimal(frame.plot_width) / max(len(labels), 1)
    columns = tuple(
        _column(frame, label, i, slot, scale, shown, totals[i]) for i, label in enumerate(labels)
    )
    ticks = tuple(
        Tick(_px(frame.baseline - step * n * scale), step * n) for n in range(int(top / step) + 1)
    )
    return BarChart(frame, columns, ticks, tuple(shown))


def _column(
    frame: Frame, label: str, index: int, slot: Decimal, scale: Decimal,
    shown: Sequence[Series], total: Decimal,
) -> Column:  # fmt: skip
    x = frame.left + slot * index + slot / 5
    width = slot * 3 / 5
    segments, floor = [], Decimal(frame.baseline)
    for colour, s in enumerate(shown):
        height = s.values[index] * scale
        if height > 0:
            floor -= height
            segments.append(Segment(_px(x), _px(floor), _px(width), _px(height),
                                    colour % PALETTE, s.label, s.values[index]))  # fmt: skip
    return Column(label, _px(x + width / 2), total, tuple(segments))


def _px(value: Decimal | int) -> float:
    """A coordinate to a tenth of a pixel, as SVG takes it."""
    return float(round(Decimal(value), 1))
