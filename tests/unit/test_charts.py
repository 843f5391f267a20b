"""The stacked bar chart's geometry: round axis, bars proportional to the figures, stacking order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from web.pages.charts import Frame, Series, axis_step, stacked_bars

FRAME = Frame(width=420, height=240, left=60, right=0, top=0, bottom=40)  # plot 360 × 200


@pytest.mark.parametrize(
    ("maximum", "step"),
    [
        (Decimal(0), Decimal(1)),
        (Decimal(4), Decimal(1)),
        (Decimal(7), Decimal(2)),
        (Decimal(9), Decimal("2.5")),
        (Decimal(18), Decimal(5)),
        (Decimal(38), Decimal(10)),
        (Decimal("1234.5"), Decimal(500)),
        (Decimal("0.3"), Decimal("0.1")),
    ],
)
def test_the_axis_step_is_a_round_number_giving_at_most_four_lines(
    maximum: Decimal, step: Decimal
) -> None:
    assert axis_step(maximum) == step


def test_bar_heights_are_proportional_to_the_figures_on_a_round_axis() -> None:
    chart = stacked_bars(
        ["2026-01", "2026-02", "2026-03"],
        [Series("mobilier", "Mobilier", (Decimal(100), Decimal(300), Decimal(0)))],
        FRAME,
    )
    assert [t.value for t in chart.ticks] == [0, 100, 200, 300]
    heights = [sum(s.height for s in c.segments) for c in chart.columns]
    assert heights == [pytest.approx(200 / 3, abs=0.1), 200.0, 0.0]
    assert [c.total for c in chart.columns] == [100, 300, 0]


def test_segments_stack_upwards_from_the_baseline_in_the_series_order() -> None:
    chart = stacked_bars(
        ["2026-01"],
        [Series("a", "A", (Decimal(30),)), Series("b", "B", (Decimal(10),))],
        FRAME,
    )
    first, second = chart.columns[0].segments
    assert first.y + first.height == FRAME.baseline
    assert second.y + second.height == pytest.approx(first.y)
    assert (first.label, first.value, second.label, second.value) == ("A", 30, "B", 10)


def test_series_without_any_figure_are_left_out_of_the_bars_and_the_legend() -> None:
    chart = stacked_bars(
        ["2026-01", "2026-02"],
        [Series("a", "A", (Decimal(0), Decimal(0))), Series("b", "B", (Decimal(5), Decimal(0)))],
        FRAME,
    )
    assert chart.legend == ((0, "B"),)
    assert [len(c.segments) for c in chart.columns] == [1, 0]


def test_bars_stay_inside_the_plot_and_are_centred_on_their_label() -> None:
    chart = stacked_bars(
        [f"2026-{m:02d}" for m in range(1, 13)],
        [Series("a", "A", tuple(Decimal(m * 10) for m in range(1, 13)))],
        FRAME,
    )
    for column in chart.columns:
        (bar,) = column.segments
        assert FRAME.left <= bar.x
        assert bar.x + bar.width <= FRAME.width - FRAME.right
        assert bar.y >= FRAME.top
        assert column.centre == pytest.approx(bar.x + bar.width / 2, abs=0.1)


def test_an_empty_chart_still_has_an_axis() -> None:
    chart = stacked_bars(["2026-01"], [], FRAME)
    assert [t.value for t in chart.ticks] == [0, 1]
    assert chart.columns[0].segments == ()
