"""Frame an ink map the way MNIST frames its digits.

MNIST's recipe (LeCun, Cortes and Burges): the ink's bounding box is normalised to fit a
20x20 box keeping its aspect ratio, anti-aliased, then placed in a 28x28 field so that the
centre of mass of the pixels is at the centre of the field. Measured on MNIST:

- the longer side of the ink box is exactly 20 px in every image, with hard ends (the
  first and last rows of a tall digit hold a pixel of ~1), while the shorter side has a
  fractional size, so its edges are partly covered pixels;
- the centre of mass sits at (14, 14) in pixel-index coordinates with a spread of 0.29 px,
  the spread of rounding to whole pixels (1/sqrt(12)): MNIST shifted by whole pixels.

We do the same: the box is drawn or resampled at SUPERSAMPLE times the final resolution,
centred within whole output pixels, averaged down by blocks (each output pixel gets the
fraction of its area covered by ink), then shifted by whole pixels to put the centre of
mass on (14, 14). A whole-pixel shift also keeps the result exactly the same when the
drawing moves.
"""

import functools
import math

import numpy as np
import numpy.typing as npt
from PIL import Image

from app.engine.errors import EmptyDrawing, InvalidInput

FRAME = 28  # the network reads FRAME x FRAME images
BOX = 20  # the ink's bounding box is scaled to fit BOX x BOX
CENTRE = FRAME / 2  # where the centre of mass goes, in pixel-index coordinates (row, col)
SUPERSAMPLE = 4  # ink is drawn or resampled at this many pixels per output pixel

Ink = npt.NDArray[np.float32]


def frame_digit(ink: npt.ArrayLike) -> Ink:
    """The (28, 28) float32 image in [0, 1] the network reads, framed like MNIST.

    ``ink``: an ink map of shape (h, w), any size, values in [0, 1], 1 = full ink.
    It is cropped to the bounding box of its ink (values > 0), resized (bilinear, which
    also anti-aliases when shrinking) so that the box's longer side is 20 px keeping the
    aspect ratio, then placed by `frame_supersampled`.

    Raises InvalidInput if ``ink`` is not a 2-D array of finite values in [0, 1], and
    EmptyDrawing if it holds no ink.
    """
    array = _checked(ink)
    rows = np.flatnonzero(array.any(axis=1))
    cols = np.flatnonzero(array.any(axis=0))
    if rows.size == 0:
        raise EmptyDrawing("expected some ink, got a blank image")
    box = array[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = BOX * SUPERSAMPLE / max(box.shape)
    height, width = (max(1, round(side * scale)) for side in box.shape)
    resized = Image.fromarray(box).resize((width, height), Image.Resampling.BILINEAR)
    return frame_supersampled(np.clip(np.asarray(resized), 0.0, 1.0), SUPERSAMPLE)


def frame_supersampled(box: Ink, supersample: int) -> Ink:
    """The (28, 28) float32 image in [0, 1] of ``box``, ink drawn ``supersample`` x finer.

    ``box``: float32 (h, w) in [0, 1], cropped to its ink, each side at most
    20 * ``supersample``. It is centred in a canvas of whole output pixels, averaged down
    by blocks of ``supersample`` x ``supersample``, then placed by `centre_by_mass`.
    """
    k = supersample
    rows, cols = box.shape
    canvas = np.zeros((math.ceil(rows / k) * k, math.ceil(cols / k) * k), dtype=np.float32)
    top, left = (canvas.shape[0] - rows) // 2, (canvas.shape[1] - cols) // 2
    canvas[top : top + rows, left : left + cols] = box
    # Each block's sum as k + k strided additions: several times faster than a reduction
    # over short axes.
    strips: Ink = functools.reduce(np.add, [canvas[i::k] for i in range(k)])
    sums: Ink = functools.reduce(np.add, [strips[:, j::k] for j in range(k)])
    return centre_by_mass(sums / np.float32(k * k))


def centre_by_mass(ink: Ink) -> Ink:
    """``ink`` (h, w) float32 placed in a zeroed (28, 28) frame, centre of mass at (14, 14).

    The shift is rounded to whole pixels (halves up), so the centre of mass lands within
    half a pixel of (14, 14), unless ink falls outside the frame and is cut off (a very
    lopsided digit; MNIST has a few). ``ink`` must hold some ink.
    """
    row_sums = ink.sum(axis=1, dtype=np.float64)
    total = row_sums.sum()
    row_mass = row_sums @ np.arange(ink.shape[0]) / total
    col_mass = ink.sum(axis=0, dtype=np.float64) @ np.arange(ink.shape[1]) / total
    top = math.floor(CENTRE - row_mass + 0.5)
    left = math.floor(CENTRE - col_mass + 0.5)
    frame = np.zeros((FRAME, FRAME), dtype=np.float32)
    # The part of `ink` that lands inside the frame (never empty: it holds row and column
    # 14), in frame coordinates.
    r0, r1 = max(top, 0), min(top + ink.shape[0], FRAME)
    c0, c1 = max(left, 0), min(left + ink.shape[1], FRAME)
    frame[r0:r1, c0:c1] = ink[r0 - top : r1 - top, c0 - left : c1 - left]
    return frame


def _checked(ink: npt.ArrayLike) -> Ink:
    """``ink`` as a float32 array, or InvalidInput saying what is wrong with it."""
    array = np.asarray(ink)
    if array.ndim != 2 or array.dtype.kind not in "iuf":
        raise InvalidInput(
            f"expected a 2-D array of numbers as ink map, got shape {array.shape} of {array.dtype}"
        )
    array = array.astype(np.float32, copy=False)
    if not np.isfinite(array).all():
        raise InvalidInput("expected finite ink values, got NaN or infinity")
    if array.size and (array.min() < 0 or array.max() > 1):
        raise InvalidInput(
            f"expected ink values in [0, 1], got values from {array.min():g} to {array.max():g}"
        )
    return array
