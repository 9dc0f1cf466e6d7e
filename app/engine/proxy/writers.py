"""Scripted writers: each digit as a pen would draw it, in one person's hand.

Every digit is a glyph of our own, written as the strokes of a pen in drawing order, each
stroke a chain of smooth runs through control points in a unit box (x, y in [0, 1], y
down), the runs meeting at corners (the top right of a 7). A run is drawn as a cardinal
spline: the writer's ``roundness`` sets its tension, from a polygon through the points (0)
to a Catmull-Rom curve (1).

A `Writer` is drawn once from a Generator and keeps its habits for every sample: slant,
width, size and place on the canvas, wobble, roundness, a personal deformation of the
glyphs (bigger top or bottom bowls, ...) and the style choices MNIST rarely shows (a 7
with a crossbar, a 1 with a flag or a base, an open 4, a 9 with a curled tail, a 2 with
a loop, a slashed 0, an 8 of two circles, a flat-topped 3, a 5 in one stroke). Each
sample then varies: its own small deformation, rotation, scale and place, uneven pen
speed (irregular spacing of the points), point noise, and sometimes a stroke that starts a
little off where it should.
"""

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.errors import InvalidInput

CANVAS = 280.0  # the canvas side, in canvas pixels
Stroke = npt.NDArray[np.float64]  # (k, 2) float64 (x, y) canvas points, in drawing order
Run = list[tuple[float, float]]  # control points in the unit box
Glyph = list[list[Run]]  # strokes, each a chain of runs


@dataclass(frozen=True)
class Writer:
    """One person's hand: kept for every digit they write. Lengths are canvas pixels."""

    slant: float  # x moves by slant * height above the middle: > 0 leans right
    width: float  # glyph width / height
    size: float  # glyph height
    centre: tuple[float, float]  # where the glyphs usually sit on the canvas
    wobble: float  # amplitude of slow hand tremor, as a fraction of the height
    roundness: float  # 0 = polygons through the control points, 1 = round curves
    sloppiness: float  # std of the per-sample noise on every control point, unit box
    spacing: float  # mean distance between recorded points (pen speed / sampling rate)
    deformation: tuple[float, ...]  # 4 coefficients of the writer's own distortion
    seven_crossbar: bool
    seven_hook: bool  # a short down-stroke before the 7's top bar
    one_flag: bool
    one_base: bool
    four_open: bool
    nine_curled: bool
    two_loop: bool
    zero_slash: bool
    eight_two_circles: bool
    three_flat: bool
    five_one_stroke: bool


def random_writer(rng: np.random.Generator) -> Writer:
    """A writer with habits drawn from ``rng``; most glyphs fit inside the canvas."""
    size = CANVAS * float(np.clip(rng.normal(0.6, 0.17), 0.25, 0.9))
    room = (CANVAS - size) / 2
    return Writer(
        slant=float(np.clip(rng.normal(0.12, 0.13), -0.2, 0.45)),
        width=float(rng.uniform(0.45, 0.95)),
        size=size,
        centre=(
            CANVAS / 2 + room * float(rng.uniform(-0.6, 0.6)),
            CANVAS / 2 + room * float(rng.uniform(-0.6, 0.6)),
        ),
        wobble=float(rng.uniform(0.0, 0.015)),
        roundness=float(rng.uniform(0.55, 1.0)),
        sloppiness=float(rng.uniform(0.01, 0.045)),
        spacing=float(rng.uniform(3.0, 16.0)),
        deformation=tuple(float(c) for c in rng.normal(0, 0.08, 4)),
        seven_crossbar=bool(rng.random() < 0.25),
        seven_hook=bool(rng.random() < 0.15),
        one_flag=bool(rng.random() < 0.6),
        one_base=bool(rng.random() < 0.2),
        four_open=bool(rng.random() < 0.5),
        nine_curled=bool(rng.random() < 0.3),
        two_loop=bool(rng.random() < 0.3),
        zero_slash=bool(rng.random() < 0.08),
        eight_two_circles=bool(rng.random() < 0.2),
        three_flat=bool(rng.random() < 0.2),
        five_one_stroke=bool(rng.random() < 0.3),
    )


def write(writer: Writer, digit: int, rng: np.random.Generator) -> list[Stroke]:
    """One sample of ``digit`` (0..9) in ``writer``'s hand, on the 280 x 280 canvas.

    Returns the strokes in drawing order, each a (k, 2) float64 array of (x, y) canvas
    points in [0, 280], k >= 2. Raises InvalidInput for a digit outside 0..9.
    """
    if digit not in range(10):
        raise InvalidInput(f"expected a digit in 0..9, got {digit!r}")
    tension = 1 - writer.roundness
    strokes = [
        np.concatenate([_spline(run, tension) for run in _chained(stroke)])
        for stroke in _sloppy(_GLYPHS[digit](writer, rng), writer.sloppiness, rng)
    ]
    deform = np.array(writer.deformation) + rng.normal(0, 0.03, 4)
    strokes = [_deformed(s, deform) for s in strokes]
    strokes = _placed(strokes, writer, rng)
    return [_as_recorded(s, writer, rng, first=i == 0) for i, s in enumerate(strokes)]


def _sloppy(glyph: Glyph, std: float, rng: np.random.Generator) -> Glyph:
    """``glyph`` with every control point moved by Gaussian noise of std ``std``.

    Runs are chained after this (`_chained`), so the corners stay joined.
    """
    return [
        [[(x + rng.normal(0, std), y + rng.normal(0, std)) for x, y in run] for run in stroke]
        for stroke in glyph
    ]


def _chained(stroke: list[Run]) -> list[Run]:
    """The runs of a stroke, each after the first starting where the one before ends."""
    return [run if i == 0 else [stroke[i - 1][-1], *run] for i, run in enumerate(stroke)]


def _spline(run: Run, tension: float, per_segment: int = 16) -> Stroke:
    """Points of the cardinal spline through ``run`` (Hermite form), ``tension`` in [0, 1]."""
    P = np.array(run, dtype=np.float64)
    if len(P) == 1:
        return P
    ahead = np.vstack([P[1:], 2 * P[-1:] - P[-2:-1]])
    behind = np.vstack([2 * P[:1] - P[1:2], P[:-1]])
    T = (1 - tension) * (ahead - behind) / 2  # tangents; one-sided at the ends
    t = np.linspace(0, 1, per_segment, endpoint=False)[:, None]
    h00, h10, h01, h11 = (
        2 * t**3 - 3 * t**2 + 1,
        t**3 - 2 * t**2 + t,
        -2 * t**3 + 3 * t**2,
        t**3 - t**2,
    )
    pieces = [h00 * P[i] + h10 * T[i] + h01 * P[i + 1] + h11 * T[i + 1] for i in range(len(P) - 1)]
    return np.vstack([*pieces, P[-1:]])


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, k: int) -> Run:
    """``k`` points on an ellipse from angle ``a0`` to ``a1`` (degrees, 0 = right, 90 = up:
    increasing angles go counter-clockwise on screen)."""
    a = np.radians(np.linspace(a0, a1, k))
    return list(zip((cx + rx * np.cos(a)).tolist(), (cy - ry * np.sin(a)).tolist(), strict=True))


def _deformed(points: Stroke, c: npt.NDArray[np.float64]) -> Stroke:
    """Unit-box points under a smooth distortion: bowls grow or shrink, strokes bend."""
    x, y = points[:, 0] - 0.5, points[:, 1] - 0.5
    dx = c[0] * (y**2 - 0.25) + c[1] * x * y
    dy = c[2] * (0.25 - x**2) + c[3] * y * (0.25 - y**2) * 4
    return np.stack([points[:, 0] + dx, points[:, 1] + dy], axis=1)


def _placed(strokes: list[Stroke], writer: Writer, rng: np.random.Generator) -> list[Stroke]:
    """Unit-box strokes scaled, slanted, turned and moved onto the canvas, kept inside."""
    height = writer.size * rng.uniform(0.85, 1.15)
    angle = math.radians(rng.normal(0, 5))
    width = writer.width * rng.uniform(0.9, 1.1)
    slant = writer.slant + rng.normal(0, 0.04)
    rotate = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    centre = np.array(writer.centre) + rng.normal(0, 0.03 * CANVAS, 2)
    placed = []
    for s in strokes:
        x, y = (s[:, 0] - 0.5) * width, s[:, 1] - 0.5
        placed.append(np.stack([x - slant * y, y], axis=1) @ rotate.T * height + centre)
    everything = np.concatenate(placed)
    low, high = everything.min(axis=0), everything.max(axis=0)
    shrink = min(1.0, 0.96 * CANVAS / float((high - low).max()))
    middle = (low + high) / 2
    target = np.clip(middle, shrink * (middle - low) + 4, CANVAS - shrink * (high - middle) - 4)
    return [(s - middle) * shrink + target for s in placed]


def _as_recorded(stroke: Stroke, writer: Writer, rng: np.random.Generator, first: bool) -> Stroke:
    """A canvas stroke as a pointer would record it: tremor, uneven speed, noise."""
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(stroke, axis=0).T))])
    length = max(float(along[-1]), 1e-9)
    # Tremor: two slow waves along the stroke, for x and for y, with random phases.
    phase = rng.uniform(0, 2 * math.pi, (2, 2))  # (axis, wave)
    waves = np.sin(2 * math.pi * (along / length)[:, None, None] * [1.3, 3.1] + phase)
    points = stroke + writer.wobble * writer.size * waves.sum(axis=2) / 2
    if not first and rng.random() < 0.25:  # the pen lands a little off and corrects
        fade = np.clip(1 - along / (0.25 * length), 0, 1)[:, None]
        points = points + fade * rng.normal(0, 0.04 * writer.size, 2)
    steps = writer.spacing * rng.lognormal(0, 0.4, math.ceil(3 * length / writer.spacing) + 2)
    at = np.cumsum(steps)
    at = np.concatenate([[0.0], at[at < length], [length]])
    recorded = np.stack([np.interp(at, along, points[:, i]) for i in (0, 1)], axis=1)
    recorded += rng.normal(0, rng.uniform(0.3, 1.0), recorded.shape)
    clipped: Stroke = np.clip(recorded, 0, CANVAS)
    return clipped


# The glyphs: strokes in drawing order, each a list of runs (see the module docstring).


def _zero(w: Writer, rng: np.random.Generator) -> Glyph:
    """An oval from the top, counter-clockwise, closing short or overshooting; maybe slashed."""
    start = rng.uniform(75, 110)
    glyph = [[_arc(0.5, 0.5, 0.5, 0.5, start, start + 360 + rng.uniform(-20, 35), 14)]]
    if w.zero_slash:
        glyph.append([[(0.85, 0.05), (0.15, 0.95)]])
    return glyph


def _one(w: Writer, rng: np.random.Generator) -> Glyph:
    """A stem, maybe led in by a flag from the left, maybe standing on a base."""
    top, foot = (0.55, 0.0), (0.5 + rng.normal(0, 0.03), 1.0)
    stem = [[(0.2, 0.3 + rng.normal(0, 0.05)), top], [foot]] if w.one_flag else [[top, foot]]
    return [stem, [[(0.2, 1.0), (0.85, 1.0)]]] if w.one_base else [stem]


def _two(w: Writer, rng: np.random.Generator) -> Glyph:
    """An arch over the top, a diagonal down to the left, maybe a loop, then the base."""
    top = _arc(0.5, 0.3, 0.45, 0.3, 165 + rng.normal(0, 10), -35, 8)
    if w.two_loop:
        descent = [*top, (0.5, 0.7), *_arc(0.15, 0.86, 0.11, 0.1, -45, -370, 10)]
        return [[descent, [(1.0, 0.97 + rng.normal(0, 0.02))]]]
    return [[[*top, (0.45, 0.72), (0.03, 1.0)], [(1.0, 0.98 + rng.normal(0, 0.02))]]]


def _three(w: Writer, rng: np.random.Generator) -> Glyph:
    """Two bowls meeting at a waist, or a flat top, a diagonal and the lower bowl."""
    waist = (0.33 + rng.normal(0, 0.04), 0.48)
    lower = _arc(0.48, 0.73, 0.46, 0.27, 110, -150 + rng.normal(0, 10), 9)
    if w.three_flat:
        return [[[(0.08, 0.0), (0.9, 0.0)], [(0.3, 0.43)], lower[1:]]]
    upper = [(0.08, 0.15), *_arc(0.48, 0.25, 0.4, 0.24, 140, -80, 7), waist]
    return [[upper, lower]]


def _four(w: Writer, rng: np.random.Generator) -> Glyph:
    """A closed triangle (or an open L) with its bar, then the stem as a second stroke."""
    bar = 0.62 + rng.normal(0, 0.04)
    stem_x = 0.68 + rng.normal(0, 0.03)
    if w.four_open:
        left = [[(0.12, 0.0), (0.05, bar)], [(1.0, bar - 0.02)]]
    else:
        left = [[(stem_x - 0.03, 0.0), (0.0, bar)], [(1.0, bar - 0.02)]]
    return [left, [[(stem_x, 0.02), (stem_x - 0.03, 1.0)]]]


def _five(w: Writer, rng: np.random.Generator) -> Glyph:
    """Stem and belly, then the top bar; or all in one stroke starting from the bar."""
    corner = (0.2, 0.02)
    belly = _arc(0.46, 0.69, 0.46, 0.3, 125, -150 + rng.normal(0, 10), 8)
    body = [[corner, (0.17, 0.44 + rng.normal(0, 0.03))], belly]
    flag = [(0.92, rng.normal(0, 0.03)), corner]
    if w.five_one_stroke:
        return [[flag, *body]]
    return [body, [flag[::-1]]]


def _six(w: Writer, rng: np.random.Generator) -> Glyph:
    """A curve down the left side into a loop at the bottom."""
    descent = [(0.8, 0.0), (0.42 + rng.normal(0, 0.05), 0.2), (0.13, 0.52)]
    return [[[*descent, *_arc(0.52, 0.72, 0.42, 0.28, 190, 525 + rng.normal(0, 10), 11)]]]


def _seven(w: Writer, rng: np.random.Generator) -> Glyph:
    """The top bar (maybe after a short hook) and the diagonal; maybe a crossbar."""
    top = [(0.02, 0.18), (0.0, 0.0)] if w.seven_hook else [(0.0, 0.02)]
    foot = (0.3 + rng.normal(0, 0.08), 1.0)
    glyph = [[top, [(1.0, 0.0)], [(0.6 + rng.normal(0, 0.04), 0.45), foot]]]
    if w.seven_crossbar:
        glyph.append([[(0.3, 0.52), (0.85, 0.5)]])
    return glyph


def _eight(w: Writer, rng: np.random.Generator) -> Glyph:
    """One stroke crossing itself at the waist, or two circles, the smaller on top."""
    if w.eight_two_circles:
        top = _arc(0.5, 0.25, 0.32, 0.25, 45, 420, 12)
        return [[top], [_arc(0.5, 0.74, 0.42, 0.26, 95, 470 + rng.normal(0, 10), 12)]]
    waist = (0.5 + rng.normal(0, 0.04), 0.47)
    path = [(0.82, 0.12), (0.5, 0.0), (0.16, 0.13), (0.22, 0.33), waist, (0.84, 0.64)]
    path += [(0.88, 0.86), (0.5, 1.0), (0.12, 0.86), (0.16, 0.64), waist, (0.8, 0.3)]
    return [[[*path, (0.84, 0.1 + rng.normal(0, 0.03))]]]


def _nine(w: Writer, rng: np.random.Generator) -> Glyph:
    """A loop, counter-clockwise from its right, then a straight or curled tail."""
    loop = _arc(0.5, 0.27, 0.42, 0.27, 15, 365 + rng.normal(0, 10), 12)
    if w.nine_curled:
        tail = [(0.9, 0.6), (0.82, 0.92), (0.55, 1.0), (0.3, 0.92)]
    else:
        tail = [(0.9, 0.6), (0.86 + rng.normal(0, 0.03), 1.0)]
    return [[loop, tail]]


_GLYPHS = (_zero, _one, _two, _three, _four, _five, _six, _seven, _eight, _nine)
