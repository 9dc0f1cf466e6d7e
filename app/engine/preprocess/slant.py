"""Slant correction: a digit's slant taken out by a horizontal shear (deskewing).

People slant their writing, each by their own angle; a network that reads upright digits
need not learn every slant. The slant of an image is measured from its second moments
(Casey, "Moment normalization of handprinted characters", 1970; the usual deskewing of
MNIST): with the ink as weights, ``slant = cov(x, y) / var(y)`` is how far the ink moves
right per pixel up. Each row is then moved back by that much times its height above the
centre of mass, so the centre of mass stays where framing put it (14, 14). Rows are
resampled linearly; ink moved beyond the frame is lost, which the limit on the slant
keeps to a sliver.
"""

import numpy as np
import numpy.typing as npt

from app.engine.errors import InvalidInput

SIDE = 28
MAX_SLANT = 1.0  # |horizontal shift per pixel of height|: 45 degrees

Images = npt.NDArray[np.float32]  # (n, 784) float32 in [0, 1]


def slants(images: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    """The slant of each image (n, 784) in [0, 1]: (n,) float64 in [-MAX_SLANT,
    MAX_SLANT], how far the ink moves right per pixel up; 0 for a blank image or ink in
    a single row."""
    return _moments(_grids(images))[1]


def deskew(images: npt.NDArray[np.floating]) -> Images:
    """Images (n, 784) in [0, 1] with their slant taken out: (n, 784) float32 in [0, 1].

    Row r of image i is moved left by ``slants[i] * (y_mean[i] - r)`` pixels (rows above
    the centre of mass of a right-leaning digit move left, rows below it move right), read
    with linear interpolation; pixels read from beyond the frame are blank."""
    grid = _grids(images)
    n = len(grid)
    y_mean, slant = _moments(grid)
    shift = slant[:, None] * (y_mean[:, None] - _AXIS[None, :])  # (n, 28): each row's
    # Row r reads columns c + shift: whole pixels k = floor(shift) by picking a window of a
    # padded row, the fraction f by mixing it with the window one pixel further.
    whole = np.floor(shift)
    frac = (shift - whole).astype(np.float32)[:, :, None]
    padded = np.zeros((n, SIDE, 3 * SIDE + 1), np.float32)  # blank beyond either side
    padded[:, :, SIDE : 2 * SIDE] = grid
    windows = np.lib.stride_tricks.sliding_window_view(padded, SIDE, axis=2)
    start = whole.astype(np.int64) + SIDE  # (n, 28) in [0, 2 * SIDE]
    image, row = np.arange(n)[:, None], np.arange(SIDE)[None, :]
    a, b = windows[image, row, start], windows[image, row, start + 1]
    out = a + frac * (b - a)
    return np.clip(out, 0.0, 1.0).reshape(n, SIDE * SIDE)


_AXIS = np.arange(SIDE, dtype=np.float64)  # row or column index


def _moments(grid: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.float64], ...]:
    """Each image's centre of mass row (n,) and slant (n,), clipped to MAX_SLANT."""
    row_mass = grid.sum(axis=2, dtype=np.float64)  # (n, 28)
    row_x = grid @ _AXIS.astype(np.float32)  # (n, 28): each row's ink times its columns
    mass = row_mass.sum(axis=1)
    safe = np.where(mass > 0, mass, 1.0)
    y_mean = row_mass @ _AXIS / safe
    x_mean = row_x.sum(axis=1) / safe
    dy = _AXIS[None, :] - y_mean[:, None]
    var_y = (row_mass * dy * dy).sum(axis=1) / safe
    cov = (dy * (row_x - x_mean[:, None] * row_mass)).sum(axis=1) / safe
    flat = var_y <= 1e-6
    slant = -cov / np.where(flat, 1.0, var_y)
    return y_mean, np.clip(np.where(flat, 0.0, slant), -MAX_SLANT, MAX_SLANT)


def _grids(images: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
    """Images (n, 784) as (n, 28, 28) float32; InvalidInput for any other shape."""
    if images.ndim != 2 or images.shape[1] != SIDE * SIDE:
        raise InvalidInput(f"expected images of shape (n, {SIDE * SIDE}), got {images.shape}")
    return images.reshape(-1, SIDE, SIDE).astype(np.float32, copy=False)
