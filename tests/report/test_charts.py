import math

import numpy as np
import pytest

from app.report.canvas import FAINT, WHITE
from app.report.charts import (
    EMPTY,
    GREEN,
    RED,
    Line,
    Series,
    bar_chart,
    heat_colour,
    heat_map,
    line_chart,
    nice_ticks,
    percent,
)

COLOUR = (10, 200, 30)  # used by nothing else in the charts


def pixels_of(picture: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """(h, w) bool: where ``picture`` is exactly ``colour``."""
    return (picture == np.array(colour, dtype=np.uint8)).all(axis=2)


def test_nice_ticks_and_percent() -> None:
    assert nice_ticks(0, 1, 4) == [0, 0.25, 0.5, 0.75, 1]
    assert nice_ticks(0.6, 1, 4) == [0.6, 0.7, 0.8, 0.9, 1]
    assert nice_ticks(1, 40, 8) == [5, 10, 15, 20, 25, 30, 35, 40]
    assert percent(0.995) == "99.5%" and percent(0.9) == "90%" and percent(0.975) == "97.5%"


def test_bar_chart_draws_bars_as_tall_as_their_values() -> None:
    chart = bar_chart(["a", "b"], [Series("s", [1.0, 0.5], COLOUR)], size=(400, 300))
    assert chart.shape == (300, 400, 3) and chart.dtype == np.uint8
    column_heights = pixels_of(chart, COLOUR).sum(axis=0)
    full, half = column_heights[:200].max(), column_heights[200:].max()
    assert half > 50  # a bar, not just the legend's swatch
    assert full == pytest.approx(2 * half, abs=3)


def test_bar_chart_groups_series_leaves_out_nan_and_writes_values() -> None:
    other = (200, 10, 30)
    chart = bar_chart(
        ["a", "b"],
        [Series("s", [math.nan, 0.8], COLOUR), Series("t", [0.9, 0.9], other)],
        lo=0.5,
        size=(400, 300),
    )
    plot = chart[60:]  # below the legend
    assert not pixels_of(plot[:, :200], COLOUR).any()  # NaN: no bar in group a
    assert pixels_of(plot[:, 200:], COLOUR).any() and pixels_of(plot[:, :200], other).any()
    written = bar_chart(
        ["a", "b"], [Series("s", [0.7, 0.8], COLOUR)], value_format=percent, size=(400, 300)
    )
    plain = bar_chart(["a", "b"], [Series("s", [0.7, 0.8], COLOUR)], size=(400, 300))
    assert (written != plain).any()


def test_heat_colour_darkens_with_the_count_on_two_scales() -> None:
    assert heat_colour(0, 50, diagonal=False) == EMPTY
    shades = [sum(heat_colour(k, 64, diagonal=False)) for k in (1, 4, 16, 64)]
    assert shades == sorted(shades, reverse=True) and len(set(shades)) == 4
    red, green = heat_colour(64, 64, diagonal=False), heat_colour(64, 64, diagonal=True)
    assert red[0] > red[1] and green[1] > green[0]
    assert heat_colour(64, 64, diagonal=False) == tuple(
        round(e + 0.88 * (h - e)) for h, e in zip(RED, EMPTY, strict=True)
    )
    assert heat_colour(5, 0, diagonal=True) == EMPTY
    assert GREEN != RED


def test_heat_map_fills_each_cell_with_its_colour() -> None:
    counts = np.array([[100, 1, 64], [0, 90, 0], [0, 0, 80]])
    chart = heat_map(counts, cell=40)
    assert chart.dtype == np.uint8 and chart.ndim == 3
    assert chart.shape[1] > 3 * 40 and chart.shape[0] > 3 * 40
    for count, peak, diagonal in [(1, 64, False), (64, 64, False), (0, 64, False)]:
        colour = heat_colour(count, peak, diagonal=diagonal)
        assert pixels_of(chart, colour).sum() > 30 * 30  # a whole cell, less its count
    for count in (100, 90, 80):
        assert pixels_of(chart, heat_colour(count, 100, diagonal=True)).sum() > 30 * 30
    # The darker the cell, the fewer bright pixels: the 64 cell is darker than the 1 cell.
    dark, light = heat_colour(64, 64, diagonal=False), heat_colour(1, 64, diagonal=False)
    assert sum(dark) < sum(light)


def line_columns(chart: np.ndarray, colour: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The columns holding ``colour`` below the legend, and its mean row in each."""
    mask = pixels_of(chart, colour)
    mask[:40] = False  # the legend's swatch
    columns = np.flatnonzero(mask.any(axis=0))
    rows = np.array([np.flatnonzero(mask[:, c]).mean() for c in columns])
    return columns, rows


def test_line_chart_draws_along_its_values() -> None:
    x = list(range(1, 11))
    y = [0.1 * k for k in range(1, 11)]
    chart = line_chart([Line("rising", x, y, COLOUR)], lo=0.0, hi=1.0, size=(400, 300))
    assert chart.shape == (300, 400, 3) and chart.dtype == np.uint8
    columns, rows = line_columns(chart, COLOUR)
    assert columns.max() - columns.min() > 300  # across the plot
    assert len(columns) > 0.95 * (columns.max() - columns.min() + 1)  # unbroken
    assert np.all(np.diff(rows) <= 0.5)  # rising values: up the picture, all along
    assert rows[0] - rows[-1] > 150


def test_line_chart_dashes_leaves_gaps_and_marks() -> None:
    x = list(range(1, 11))
    dashed = line_chart(
        [Line("flat", x, [0.5] * 10, COLOUR, dashed=True)],
        lo=0.0,
        hi=1.0,
        marker=5.0,
        marker_label="kept",
        size=(400, 300),
    )
    columns, _ = line_columns(dashed, COLOUR)
    share = len(columns) / (columns.max() - columns.min() + 1)
    assert 0.45 < share < 0.75  # 7 pixels drawn, 5 left out
    assert pixels_of(dashed, FAINT).sum() > 40  # the dotted marker
    holed = [0.5, 0.5, 0.5, math.nan, math.nan, 0.5, 0.5, 0.5, 0.5, 0.5]
    broken = line_chart([Line("holed", x, holed, COLOUR)], lo=0.0, hi=1.0, size=(400, 300))
    columns, _ = line_columns(broken, COLOUR)
    assert np.diff(columns).max() > 60  # no line across the missing epochs
    assert (broken[:, :, :] == WHITE).all(axis=2).mean() > 0.5
