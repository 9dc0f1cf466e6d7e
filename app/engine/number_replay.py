"""Numbers written from single pen-drawn digits, as a person writes them on the page.

For the number benchmark and the tests of `numbers`: one writer's digits set side by side,
left to right, on a canvas HEIGHT pixels high and as wide as the number needs. Each digit
is scaled to a height near the writing height (people's digits vary in size a little),
sits on a baseline that wanders a little, and is separated from the one before by a
spacing drawn from a range in writing heights: negative spacings overlap the digits'
boxes, as people's digits touch. Points are rounded to 0.1 px, as the page sends them.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.errors import InvalidInput
from app.engine.unipen import Stroke

HEIGHT = 280  # the canvas's height, the page's pad
WRITING = 0.6  # the writing height, a share of the canvas height
MARGIN = 20.0  # pixels of empty canvas left and right


@dataclass(frozen=True)
class Writing:
    """How a number is written: spacing between digits, size and baseline."""

    spacing: tuple[float, float] = (-0.05, 0.4)  # between neighbours, in writing heights
    size: float = 0.1  # each digit's height: writing height x exp(uniform(+-this))
    baseline: float = 0.05  # each digit's bottom moves by uniform(+-this) writing heights


@dataclass(frozen=True, eq=False)
class WrittenNumber:
    """A number's strokes on its canvas, and where each digit went."""

    strokes: list[npt.NDArray[np.float64]]  # (k, 2) points, canvas pixels, writing order
    width: float  # the canvas's width; its height is HEIGHT
    digit_of_stroke: list[int]  # which digit (0 = leftmost) each stroke belongs to
    spacings: list[float]  # the spacing before each digit after the first, writing heights


def write_number(
    digits: Sequence[Sequence[Stroke]], rng: np.random.Generator, writing: Writing = Writing()
) -> WrittenNumber:
    """The digits (each a drawing: strokes of (k, 2) points in any units, y down) written
    left to right as `Writing` says, at random within its ranges."""
    if not digits:
        raise InvalidInput("expected at least one digit, got none")
    H = WRITING * HEIGHT
    strokes: list[npt.NDArray[np.float64]] = []
    owner: list[int] = []
    spacings: list[float] = []
    x = MARGIN
    for d, drawing in enumerate(digits):
        points = [np.asarray(s, dtype=np.float64)[:, :2] for s in drawing]
        both = np.concatenate(points)
        low, high = both.min(axis=0), both.max(axis=0)
        height = H * np.exp(rng.uniform(-writing.size, writing.size))
        scale = height / max(float(high[1] - low[1]), 1e-9)
        if (high[0] - low[0]) * scale > 1.5 * H:  # a flat drawing: its width sets the size
            scale = 1.5 * H / float(high[0] - low[0])
        if d:
            spacing = rng.uniform(*writing.spacing)
            spacings.append(float(spacing))
            x += spacing * H
        bottom = (HEIGHT + H) / 2 + rng.uniform(-writing.baseline, writing.baseline) * H
        top = bottom - (high[1] - low[1]) * scale
        for stroke in points:
            placed = (stroke - low) * scale + (x, top)
            strokes.append(np.round(placed, 1))
            owner.append(d)
        x += float(high[0] - low[0]) * scale
    shift = MARGIN - min(float(s[:, 0].min()) for s in strokes)  # an overlap may reach left
    if shift > 0:
        strokes = [s + np.array([shift, 0.0]) for s in strokes]
        x += shift
    return WrittenNumber(strokes, x + MARGIN, owner, spacings)
