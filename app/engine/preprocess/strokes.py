"""Strokes drawn on a canvas -> the 28x28 image the network reads.

A drawing is a list of strokes, each a list of points ``[x, y]`` or ``[x, y, t]`` in
canvas pixels (origin top-left, y down; ``t`` is a time, checked but not used). The
server draws the strokes itself, with a pen as thick relative to the digit as MNIST's
strokes, however big or small the person drew:

1. normalise: move the points' bounding box to the origin and scale it so that its longer
   side plus the pen is 20 px of the 28-px frame (a dot, or anything smaller than
   MIN_SPAN of the canvas, is not enlarged that far: a dot stays pen-sized);
2. render with a round pen at SUPERSAMPLE times that resolution: a line through the
   points and a disc on every point, which gives round joints and round ends;
3. `frame_supersampled`: average blocks of render pixels down (anti-aliasing) and shift
   by whole pixels to put the centre of mass at (14, 14), as for an uploaded image.

Only the shape of the points matters: the same drawing moved or scaled on the canvas
(with the canvas) gives the same image.
"""

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from app.engine.errors import ConfigError, EmptyDrawing, InvalidInput
from app.engine.preprocess.checks import ListLike, is_list, is_number, show
from app.engine.preprocess.frame import BOX, SUPERSAMPLE, Ink, frame_supersampled

# Pen diameter in pixels of the 28-px frame (a multiple of 2 / SUPERSAMPLE, see _draw).
# Calibrated on MNIST, whose "1"s have a median stroke width of 2.85 px: drawn with this
# pen, a "1" measures 2.83 px, and drawn digits carry about as much ink as MNIST's (107%).
PEN_WIDTH = 2.75
MAX_CANVAS = 10_000  # the largest canvas side accepted, in canvas pixels
# A drawing is enlarged at most as much as one spanning this fraction of the canvas's
# longer side, so that a tap that jitters by a pixel stays a dot instead of becoming a
# full-size stroke.
MIN_SPAN = 0.05
_HALF = 0.5 + 1e-9  # see _draw

Strokes = Sequence[npt.ArrayLike] | npt.NDArray[Any]
Points = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Drawn:
    """What a drawing's points need beside them: its canvas and where its strokes end."""

    width: float  # canvas pixels
    height: float
    lengths: tuple[int, ...]  # each stroke's number of points, in order


def strokes_to_pixels(
    strokes: Strokes, width: float, height: float, *, pen_width: float = PEN_WIDTH
) -> Ink:
    """The (28, 28) float32 image in [0, 1] of a drawing, framed like an MNIST digit.

    Arguments and errors as for `render_strokes`.
    """
    return points_to_pixels(*read_strokes(strokes, width, height), pen_width=pen_width)


def read_strokes(strokes: Strokes, width: float, height: float) -> tuple[Drawn, Points]:
    """A drawing's points read and checked: what `points_to_pixels` draws.

    Arguments and errors as for `render_strokes`. Returns the size of the canvas and
    each stroke's number of points (a `Drawn`), and all the points (x, y), one stroke
    after the other, (n, 2) float64 (times dropped)."""
    _check_canvas_side("width", width)
    _check_canvas_side("height", height)
    if not is_list(strokes):
        raise InvalidInput(f"expected a list of strokes, got {show(strokes)}")
    lengths, points = _read_strokes(strokes, np.array([width, height]))
    if not len(points):
        got = f"{len(strokes)} empty strokes" if len(strokes) else "no strokes"
        raise EmptyDrawing(f"expected a drawing with at least one point, got {got}")
    return Drawn(float(width), float(height), tuple(lengths)), points


def points_to_pixels(drawn: Drawn, points: Points, *, pen_width: float = PEN_WIDTH) -> Ink:
    """`strokes_to_pixels` of a drawing already read by `read_strokes`."""
    box = _render(drawn, points, pen_width)
    return frame_supersampled(box, SUPERSAMPLE)


def render_strokes(
    strokes: Strokes, width: float, height: float, *, pen_width: float = PEN_WIDTH
) -> Ink:
    """The drawing at SUPERSAMPLE times the frame's resolution, cropped to its ink.

    ``strokes``: a sequence of strokes, each a sequence (or an (n, 2) or (n, 3) array) of
    points ``[x, y]`` or ``[x, y, t]``, in canvas pixels; plain lists from JSON are fine.
    ``width``, ``height``: the canvas size in canvas pixels, used to check the points and
    to tell a dot from a digit (see MIN_SPAN).
    ``pen_width``: the pen's diameter in pixels of the 28-px frame.

    Returns float32 (h, w) of 0s and 1s (1 = ink), the longer side 20 * SUPERSAMPLE
    pixels (less for a dot or a drawing smaller than MIN_SPAN of the canvas).

    Raises InvalidInput naming the stroke and point (indices from 0) that is malformed,
    not finite, or more than one canvas size outside the canvas, or if the canvas size is
    not a number in (0, 10000]; EmptyDrawing if there are no points at all.
    """
    return _render(*read_strokes(strokes, width, height), pen_width)


def _render(drawn: Drawn, points: Points, pen_width: float) -> Ink:
    if not 0 < pen_width < BOX:
        raise ConfigError(f"expected pen_width in (0, {BOX}), got {pen_width!r}")
    return _draw(
        points, list(drawn.lengths), pen_width, min_span=MIN_SPAN * max(drawn.width, drawn.height)
    )


def _check_canvas_side(name: str, value: object) -> None:
    """InvalidInput unless ``value`` is a number in (0, MAX_CANVAS]."""
    if not (is_number(value) and 0 < value <= MAX_CANVAS):
        raise InvalidInput(
            f"canvas {name}: expected a number in (0, {MAX_CANVAS}], got {show(value)}"
        )


def _read_strokes(strokes: ListLike, canvas: Points) -> tuple[list[int], Points]:
    """Each stroke's number of points, and all their points (x, y) one stroke after the
    other, (n, 2) float64, checked as `render_strokes` says (``canvas``: width, height).

    The common case, lists of good numeric points all [x, y] or all [x, y, t], is read and
    checked by NumPy in one go; anything else stroke by stroke, to say what is wrong.
    """
    if all(is_list(stroke) for stroke in strokes):
        try:
            points = np.asarray([point for stroke in strokes for point in stroke])
        except (ValueError, TypeError):  # ragged: points of different lengths, or odd objects
            points = np.empty(0)
        if points.ndim == 2 and points.shape[1] in (2, 3) and points.dtype.kind in "iuf":
            xy = points[:, :2].astype(np.float64)
            if np.isfinite(points).all() and not _outside(xy, canvas).any():
                return [len(stroke) for stroke in strokes], xy
    paths = [_read_stroke(s, stroke, canvas) for s, stroke in enumerate(strokes)]
    return [len(path) for path in paths], np.concatenate([np.empty((0, 2)), *paths])


def _read_stroke(s: int, stroke: object, canvas: Points) -> Points:
    """The (n, 2) float64 points (x, y) of stroke number ``s``, or InvalidInput naming
    the first point that is malformed, not finite, or more than one canvas size
    (``canvas``: width, height) outside the canvas."""
    if not is_list(stroke):
        raise InvalidInput(f"stroke {s}: expected a list of points, got {show(stroke)}")
    try:
        points = np.asarray(stroke)
    except (ValueError, TypeError):
        points = np.empty(0)
    if not (points.ndim == 2 and points.shape[1] in (2, 3) and points.dtype.kind in "iuf"):
        points = _read_point_by_point(s, stroke)
    not_finite = ~np.isfinite(points).all(axis=1)
    if not_finite.any():
        p = int(np.argmax(not_finite))
        raise InvalidInput(f"stroke {s}, point {p}: expected finite numbers, got {show(stroke[p])}")
    xy = points[:, :2].astype(np.float64)
    outside = _outside(xy, canvas)
    if outside.any():
        p = int(np.argmax(outside))
        raise InvalidInput(
            f"stroke {s}, point {p}: expected a point at most one canvas size outside "
            f"the {canvas[0]:g}x{canvas[1]:g} canvas, got ({xy[p, 0]:g}, {xy[p, 1]:g})"
        )
    return xy


def _outside(xy: Points, canvas: Points) -> npt.NDArray[np.bool_]:
    """(n,) whether each point of ``xy`` (n, 2) lies more than one canvas size (``canvas``:
    width, height) outside the canvas."""
    return np.asarray(((xy < -canvas) | (xy > 2 * canvas)).any(axis=1))


def _read_point_by_point(s: int, stroke: ListLike) -> npt.NDArray[np.float64]:
    """The (n, 3) points of ``stroke`` (t = 0 where absent), or InvalidInput at a bad one."""
    rows = []
    for p, point in enumerate(stroke):
        if not (is_list(point) and len(point) in (2, 3) and all(is_number(v) for v in point)):
            raise InvalidInput(
                f"stroke {s}, point {p}: expected [x, y] or [x, y, t] (numbers), got {show(point)}"
            )
        rows.append([*point, 0.0][:3])
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def _draw(points: Points, lengths: list[int], pen_width: float, min_span: float) -> Ink:
    """The strokes drawn with a round pen, as `render_strokes` returns them.

    ``points``: (n, 2) float64, every stroke's points one after the other, ``lengths[i]``
    of them for stroke i. They are scaled so that their longer side plus the pen is
    20 * SUPERSAMPLE render pixels, but as if they spanned at least ``min_span`` (canvas
    pixels). The pen is rounded to an odd number of render pixels, so that a disc is
    centred on its point.
    """
    pen = 2 * round((pen_width * SUPERSAMPLE - 1) / 2) + 1
    radius = pen // 2
    low = points.min(axis=0)
    span = float((points.max(axis=0) - low).max())
    scale = (BOX * SUPERSAMPLE - pen) / max(span, min_span)
    # Round to the render grid, halves up. Points on an exact half are common (whole-pixel
    # input, simple scales), and moving or scaling the drawing shifts them by float noise
    # (~1e-13), so the halves are detected with a margin far above that noise.
    grid = np.floor((points - low) * scale + _HALF).astype(np.intp) + radius
    width, height = (int(side) + radius + 1 for side in grid.max(axis=0))
    image = Image.new("L", (width, height))
    draw = ImageDraw.Draw(image)
    for end, length in zip(itertools.accumulate(lengths), lengths, strict=True):
        if length > 1:
            draw.line(grid[end - length : end].ravel().tolist(), fill=1, width=pen)
    ink = np.array(image)
    # A disc on every point: round joints, round ends, and a dot for a one-point stroke.
    # Written through flat indices: one index per inked pixel instead of a (row, column)
    # pair, several times faster.
    disc_y, disc_x = _disc(pen)
    centres = grid[:, 1] * width + grid[:, 0]
    ink.reshape(-1)[(centres[:, None] + (disc_y * width + disc_x)).ravel()] = 1
    return ink.astype(np.float32)


@functools.cache
def _disc(pen: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The (row, column) offsets from its centre of the pixels of a disc ``pen`` pixels
    across (odd), each an int array of the disc's pixel count."""
    radius = pen // 2
    inside = np.hypot(*np.ogrid[-radius : radius + 1, -radius : radius + 1]) <= pen / 2
    rows, cols = np.nonzero(inside)
    return rows - radius, cols - radius
