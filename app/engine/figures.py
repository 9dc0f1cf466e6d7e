"""Pictures of what the network learned, as RGB arrays, and their PNG encoding.

A diverging colour map shows signed values: blue for negative, white for zero, red for
positive, each scaled by the largest magnitude in its own picture.
"""

from io import BytesIO

import numpy as np
from numpy.typing import NDArray
from PIL import Image

RGB = NDArray[np.uint8]  # (h, w, 3)
NEGATIVE = np.array([33, 102, 172], dtype=np.float32)  # blue
ZERO = np.array([247, 247, 247], dtype=np.float32)  # near white
POSITIVE = np.array([178, 24, 43], dtype=np.float32)  # red


def diverging(values: NDArray[np.floating]) -> RGB:
    """Values of any shape (..., scaled to [-1, 1] by their largest magnitude) -> RGB."""
    peak = float(np.abs(values).max())
    t = (values / peak if peak > 0 else values)[..., None].astype(np.float32)
    colour = np.where(t >= 0, ZERO + t * (POSITIVE - ZERO), ZERO - t * (NEGATIVE - ZERO))
    return np.rint(colour).astype(np.uint8)


def weight_grid(weights: NDArray[np.floating], *, columns: int = 16, scale: int = 3) -> RGB:
    """The first layer's incoming weights (784, n) as a grid of n 28x28 pictures.

    Each picture gets its own colour scale; pictures are ``scale`` times enlarged and
    separated by a 1-pixel (enlarged) gap.
    """
    n = weights.shape[1]
    rows = -(-n // columns)
    cell = 29 * scale
    grid = np.full((rows * cell, columns * cell, 3), 255, dtype=np.uint8)
    for u in range(n):
        picture = diverging(weights[:, u].reshape(28, 28)).repeat(scale, 0).repeat(scale, 1)
        r, c = divmod(u, columns)
        grid[r * cell : r * cell + 28 * scale, c * cell : c * cell + 28 * scale] = picture
    return grid


def encode_png(picture: NDArray[np.uint8]) -> bytes:
    """A grayscale (h, w) or RGB (h, w, 3) uint8 picture as PNG bytes."""
    buffer = BytesIO()
    Image.fromarray(np.ascontiguousarray(picture)).save(buffer, format="PNG")
    return buffer.getvalue()
