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

from collections.abc import Sequence
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


def strokes_to_pixels(
    strokes: Strokes, width: float, height: float, *, pen_width: float = PEN_WIDTH
) -> Ink:
    """The (28, 28) float32 image in [0, 1] of a drawing, framed like an MNIST digit.

    Arguments and errors as for `render_strokes`.
    """
    box = render_strokes(strokes, width, height, pen_width=pen_width)
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
    if not 0 < pen_width < BOX:
        raise ConfigError(f"expected pen_width in (0, {BOX}), got {pen_width!r}")
    _check_canvas_side("width", width)
    _check_canvas_side("height", height)
    if not is_list(strokes):
        raise InvalidInput(f"expected a list of strokes, got {show(strokes)}")
    paths = [_read_stroke(s, stroke, width, height) for s, stroke in enumerate(strokes)]
    paths = [path for path in paths if len(path)]
    if not paths:
        got = f"{len(strokes)} empty strokes" if len(strokes) else "no strokes"
        raise EmptyDrawing(f"expected a drawing with at least one point, got {got}")
    return _draw(paths, pen_width, min_span=MIN_SPAN * max(width, height))


def _check_canvas_side(name: str, value: object) -> None:
    """InvalidInput unless ``value`` is a number in (0, MAX_CANVAS]."""
    if not (is_number(value) and 0 < value <= MAX_CANVAS):
        raise InvalidInput(
            f"canvas {name}: expected a number in (0, {MAX_CANVAS}], got {show(value)}"
        )


def _read_stroke(s: int, stroke: object, width: float, height: float) -> Points:
    """The (n, 2) float64 points (x, y) of stroke number ``s``, checked.

    The common case, a list of numeric [x, y] or [x, y, t] points, is read by NumPy in one
    go; anything else is read point by point, to say which point is wrong.
    """
    if not is_list(stroke):
        raise InvalidInput(f"stroke {s}: expected a list of points, got {show(stroke)}")
    try:
        points = np.asarray(stroke)
    except (ValueError, TypeError):  # ragged: points of different lengths, or odd objects
        points = np.empty(0)
    if not (points.ndim == 2 and points.shape[1] in (2, 3) and points.dtype.kind in "iuf"):
        points = _read_point_by_point(s, stroke)
    not_finite = ~np.isfinite(points).all(axis=1)
    if not_finite.any():
        p = int(np.argmax(not_finite))
        raise InvalidInput(f"stroke {s}, point {p}: expected finite numbers, got {show(stroke[p])}")
    xy = points[:, :2].astype(np.float64)
    canvas = np.array([width, height])
    outside = ((xy < -canvas) | (xy > 2 * canvas)).any(axis=1)
    if outside.any():
        p = int(np.argmax(outside))
        raise InvalidInput(
            f"stroke {s}, point {p}: expected a point at most one canvas size outside "
            f"the {width:g}x{height:g} canvas, got ({xy[p, 0]:g}, {xy[p, 1]:g})"
        )
    return xy


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


def _draw(paths: list[Points], pen_width: float, min_span: float) -> Ink:
    """The paths drawn with a round pen, as `render_strokes` returns them.

    The points are scaled so that their longer side plus the pen is 20 * SUPERSAMPLE
    render pixels, but as if they spanned at least ``min_span`` (canvas pixels). The pen
    is rounded to an odd number of render pixels, so that a disc is centred on its point.
    """
    pen = 2 * round((pen_width * SUPERSAMPLE - 1) / 2) + 1
    radius = pen // 2
    everything = np.concatenate(paths)
    low = everything.min(axis=0)
    span = float((everything.max(axis=0) - low).max())
    scale = (BOX * SUPERSAMPLE - pen) / max(span, min_span)
    # Round to the render grid, halves up. Points on an exact half are common (whole-pixel
    # input, simple scales), and moving or scaling the drawing shifts them by float noise
    # (~1e-13), so the halves are detected with a margin far above that noise.
    grid = [np.floor((path - low) * scale + _HALF).astype(np.intp) + radius for path in paths]
    x, y = np.concatenate(grid).T
    image = Image.new("L", (int(x.max()) + radius + 1, int(y.max()) + radius + 1))
    draw = ImageDraw.Draw(image)
    for points in grid:
        if len(points) > 1:
            draw.line(points.ravel().tolist(), fill=1, width=pen)
    ink = np.array(image, dtype=np.float32)
    # A disc on every point: round joints, round ends, and a dot for a one-point stroke.
    disc = np.hypot(*np.ogrid[-radius : radius + 1, -radius : radius + 1]) <= pen / 2
    disc_y, disc_x = np.nonzero(disc)
    ink[y[:, None] + disc_y - radius, x[:, None] + disc_x - radius] = 1
    return ink
