"""Charts drawn with Pillow into RGB arrays, for reports read without a browser: grouped
bars, a heat map with its counts, and line charts, in the insights page's colours.

Every function returns an RGB picture (h, w, 3) uint8 on white; text and pictures in
grids come from canvas.py.
"""

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import ImageDraw

from app.report.canvas import (
    AXIS,
    FAINT,
    MUTED,
    RGB,
    TEXT,
    WHITE,
    Colour,
    canvas,
    text_width,
    write,
)

GRID: Colour = (227, 230, 239)
EMPTY: Colour = (246, 247, 251)  # a cell with nothing in it
ACCENT: Colour = (79, 70, 229)  # this network
BASELINE: Colour = (164, 168, 181)  # the linear baseline
ORANGE: Colour = (217, 119, 6)
GREEN: Colour = (22, 163, 74)  # right answers
RED: Colour = (220, 38, 38)  # mistakes


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round values from ``lo`` to ``hi`` (steps of 1, 2, 2.5 or 5 x 10^k)."""
    raw = (hi - lo) / max(n, 1) or 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step - 1e-9)
    return [round(k * step, 10) for k in range(first, math.floor(hi / step + 1e-9) + 1)]


def percent(value: float) -> str:
    """0.995 -> "99.5%", 0.9 -> "90%": a short percentage for ticks."""
    return f"{100 * value:.1f}".removesuffix(".0") + "%"


@dataclass(frozen=True)
class Legend:
    """A legend entry: a box (or a line, dashed or not) of ``colour``, and its name."""

    name: str
    colour: Colour
    line: bool = False
    dashed: bool = False


def _legend(draw: ImageDraw.ImageDraw, right: float, y: float, items: Sequence[Legend]) -> None:
    """Legend entries (swatch, name), right-aligned at ``right``, centred on ``y``."""
    for item in reversed(items):
        right -= text_width(item.name, 12)
        write(draw, right, y, item.name, size=12, fill=MUTED)
        right -= 28
        if item.line:
            _polyline(draw, [(right, y), (right + 22, y)], item.colour, dashed=item.dashed)
        else:
            draw.rectangle([right + 8, y - 6, right + 20, y + 6], fill=item.colour)
        right -= 14


@dataclass(frozen=True)
class Series:
    """Bars of one kind: a name and one value per category (NaN: no bar)."""

    name: str
    values: Sequence[float]
    colour: Colour


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str = "",
    lo: float = 0.0,
    hi: float = 1.0,
    tick_format: Callable[[float], str] = percent,
    value_format: Callable[[float], str] | None = None,
    size: tuple[int, int] = (720, 300),
) -> RGB:
    """Grouped bars: one group per category, one bar per series, on a y axis from ``lo`` to
    ``hi``; values are clipped to that range. ``value_format`` writes values above the
    bars. Returns (size[1], size[0], 3) uint8."""
    width, height = size
    image, draw = canvas(width, height)
    ticks = nice_ticks(lo, hi, 4)
    top, bottom, right = 48 if title else 30, 30, width - 12
    left = 14 + max(text_width(tick_format(t), 12) for t in ticks)

    def y_of(v: float) -> float:
        return top + (height - top - bottom) * (1 - (min(max(v, lo), hi) - lo) / (hi - lo))

    if title:
        write(draw, left, 16, title, size=15)
    _legend(draw, right, top - 16, [Legend(s.name, s.colour) for s in series])
    for t in ticks:
        draw.line([(left, y_of(t)), (right, y_of(t))], fill=GRID)
        write(draw, left - 7, y_of(t), tick_format(t), size=12, fill=MUTED, align="right")
    group = (right - left) / len(categories)
    bar = min(48.0, group * 0.72 / len(series))
    for c, name in enumerate(categories):
        x0 = left + c * group + (group - bar * len(series)) / 2
        for s, one in enumerate(series):
            value = float(one.values[c])
            if math.isnan(value):
                continue
            x = x0 + s * bar
            if y_of(value) < y_of(lo):
                draw.rectangle([x + 1, y_of(value), x + bar - 2, y_of(lo)], fill=one.colour)
            if value_format is not None:
                label = value_format(value)
                write(draw, x + bar / 2, y_of(value) - 10, label, size=12, align="centre")
        write(draw, left + (c + 0.5) * group, height - 15, name, size=13, align="centre")
    draw.line([(left, y_of(lo)), (right, y_of(lo))], fill=AXIS)
    return np.array(image)


def heat_colour(count: int, peak: int, *, diagonal: bool) -> Colour:
    """A cell's colour: from EMPTY (0) to 88% green (right answers) or red (mistakes) at
    ``peak``, on a square-root scale so that a few mistakes still show beside many."""
    v = math.sqrt(count / peak) if peak > 0 else 0.0
    hue = GREEN if diagonal else RED
    r, g, b = (round(e + 0.88 * v * (h - e)) for h, e in zip(hue, EMPTY, strict=True))
    return r, g, b


def heat_map(
    counts: NDArray[np.integer],
    *,
    title: str = "",
    row_title: str = "true digit",
    column_title: str = "read as",
    cell: int = 46,
) -> RGB:
    """A confusion matrix (k, k) of counts, rows = true class, columns = predicted, drawn
    as cells with their counts; the diagonal and the mistakes have their own colour scales
    (`heat_colour`). Returns (h, w, 3) uint8, about (k + 2) * cell on a side."""
    k = counts.shape[0]
    diagonal = np.eye(k, dtype=bool)
    peaks = int(counts[diagonal].max(initial=0)), int(counts[~diagonal].max(initial=0))
    left, top = 44, 72 if title else 44
    image, draw = canvas(left + k * cell + 12, top + k * cell + 12)
    if title:
        write(draw, 12, 16, title, size=15)
    write(draw, left + k * cell / 2, top - 34, column_title, size=13, fill=MUTED, align="centre")
    label, pen = canvas(text_width(row_title, 13) + 4, 20)
    write(pen, 2, 10, row_title, size=13, fill=MUTED)
    turned = label.rotate(90, expand=True)
    image.paste(turned, (4, round(top + k * cell / 2 - turned.height / 2)))
    for i in range(k):
        write(draw, left + (i + 0.5) * cell, top - 13, str(i), size=13, align="centre")
        write(draw, left - 10, top + (i + 0.5) * cell, str(i), size=13, align="centre")
        for j in range(k):
            count, on_diagonal = int(counts[i, j]), i == j
            colour = heat_colour(count, peaks[0] if on_diagonal else peaks[1], diagonal=on_diagonal)
            x, y = left + j * cell, top + i * cell
            draw.rectangle([x + 1, y + 1, x + cell - 2, y + cell - 2], fill=colour)
            ink = WHITE if sum(colour) < 420 else (TEXT if count else FAINT)
            write(draw, x + cell / 2, y + cell / 2, str(count), size=12, fill=ink, align="centre")
    return np.array(image)


@dataclass(frozen=True)
class Line:
    """One line of a line chart: points (x[i], y[i]); NaN values leave a gap."""

    name: str
    x: Sequence[float]
    y: Sequence[float]
    colour: Colour
    dashed: bool = False


def _polyline(
    draw: ImageDraw.ImageDraw,
    points: Sequence[tuple[float, float]],
    colour: Colour,
    *,
    dashed: bool,
) -> None:
    """A 2-pixel line through ``points``; dashed: 7 pixels drawn, 5 left out, along it."""
    if not dashed:
        draw.line(list(points), fill=colour, width=2, joint="curve")
        return
    along = 0.0  # distance travelled since the current dash began
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        s = 0.0
        while s < length:
            phase = along % 12
            step = min((7 if phase < 7 else 12) - phase, length - s)
            if phase < 7:
                a, b = s / length, (s + step) / length
                draw.line(
                    [
                        (x0 + a * (x1 - x0), y0 + a * (y1 - y0)),
                        (x0 + b * (x1 - x0), y0 + b * (y1 - y0)),
                    ],
                    fill=colour,
                    width=2,
                )
            s, along = s + step, along + step


def line_chart(
    lines: Sequence[Line],
    *,
    title: str = "",
    lo: float,
    hi: float,
    tick_format: Callable[[float], str] = str,
    x_label: str = "epoch",
    marker: float | None = None,
    marker_label: str = "",
    size: tuple[int, int] = (520, 300),
) -> RGB:
    """Lines on axes with ticks, the y axis from ``lo`` to ``hi`` (values clipped), the x
    axis over the lines' x range in whole-number ticks, a legend, and an optional dotted
    vertical ``marker`` at one x. Returns (size[1], size[0], 3) uint8."""
    width, height = size
    image, draw = canvas(width, height)
    xs = [float(v) for line in lines for v in line.x]
    x_lo, x_hi = min(xs), max(xs)
    y_ticks = nice_ticks(lo, hi, 4)
    top, bottom, right = 72 if title else 48, 44, width - 16
    left = 14 + max(text_width(tick_format(t), 12) for t in y_ticks)
    span = (x_hi - x_lo) or 1.0

    def x_of(v: float) -> float:
        return left + (right - left) * (v - x_lo) / span

    def y_of(v: float) -> float:
        return top + (height - top - bottom) * (1 - (min(max(v, lo), hi) - lo) / (hi - lo))

    if title:
        write(draw, left, 16, title, size=15)
    legend = [Legend(line.name, line.colour, line=True, dashed=line.dashed) for line in lines]
    _legend(draw, right, top - 32, legend)
    for t in y_ticks:
        draw.line([(left, y_of(t)), (right, y_of(t))], fill=GRID)
        write(draw, left - 7, y_of(t), tick_format(t), size=12, fill=MUTED, align="right")
    for t in nice_ticks(x_lo, x_hi, min(8, max(1, round(span)))):
        if t == int(t):
            draw.line([(x_of(t), y_of(lo)), (x_of(t), y_of(lo) + 4)], fill=AXIS)
            write(draw, x_of(t), y_of(lo) + 14, str(int(t)), size=12, fill=MUTED, align="centre")
    draw.line([(left, y_of(lo)), (right, y_of(lo))], fill=AXIS)
    draw.line([(left, top), (left, y_of(lo))], fill=AXIS)
    write(draw, (left + right) / 2, height - 10, x_label, size=12, fill=MUTED, align="centre")
    if marker is not None:
        for dot in range(top, round(y_of(lo)), 4):
            draw.point((round(x_of(marker)), dot), fill=FAINT)
        write(draw, x_of(marker), top - 10, marker_label, size=11, fill=MUTED, align="centre")
    for line in lines:
        runs: list[list[tuple[float, float]]] = [[]]
        for x, y in zip(line.x, line.y, strict=True):  # a new run after each NaN
            if math.isnan(y):
                runs.append([])
            else:
                runs[-1].append((x_of(float(x)), y_of(float(y))))
        for run in runs:
            if len(run) > 1:
                _polyline(draw, run, line.colour, dashed=line.dashed)
    return np.array(image)
