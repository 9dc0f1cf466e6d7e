"""Training augmentation: MNIST digits re-drawn with a round pen, as the canvas draws them.

MNIST strokes come from a pen on paper, scanned: their width varies along the stroke and
from digit to digit. The server draws a canvas drawing with a round pen of one width
(`preprocess.strokes`). `restroke` gives training digits that look like the latter:

1. threshold each image and thin it to its skeleton (`proxy.thinning.thin`);
2. take the skeleton's pixel centres and the midpoints of neighbouring pixels as the pen's
   path (points at most 0.71 px apart, so a diagonal is not drawn as a row of beads);
3. compute each pixel's distance to the path, bounded, with a separable two-pass
   Euclidean distance transform on the half-pixel grid (rows, then columns);
4. frame it like `strokes_to_pixels` frames a drawing: scale about the centre of mass so
   that the skeleton's longer side plus the pen is 20 px, the box's ends on pixel edges,
   sampling the distance map bilinearly at the new pixel centres;
5. ink = the fraction of each pixel within the pen's radius, clip(r - d + 1/2, 0, 1)
   (a pixel-wide ramp at the edge, the area a straight edge covers), then a whole-pixel
   shift of at most one pixel puts the centre of mass at (14, 14).

The batch is processed a chunk at a time, every step vectorised over the chunk.
"""

import math

import numpy as np
import numpy.typing as npt

from app.engine.errors import ConfigError, InvalidInput
from app.engine.preprocess.frame import BOX, CENTRE, FRAME
from app.engine.proxy.thinning import thin

F32 = npt.NDArray[np.float32]
THRESHOLD = 0.5  # MNIST pixels above this are ink, before thinning
MIN_SPAN = 8.0  # a skeleton smaller than this (px) is enlarged only as if it spanned this
_CHUNK = 1024  # images rendered together (their arrays stay in the CPU's cache)
_MARGIN = 1  # rendered pixels around the frame, for the final whole-pixel shift


def restroke(
    images: npt.ArrayLike,
    rng: np.random.Generator,
    *,
    width: tuple[float, float] = (1.6, 3.6),
) -> F32:
    """The digits of a batch re-drawn along their skeletons with a round pen.

    ``images``: (n, 784) float in [0, 1], 28x28 digits framed like MNIST, 1 = ink; not
    modified. ``width``: (min, max) pen diameter in pixels of the 28-px frame, drawn
    uniformly per image from ``rng``. Returns a new (n, 784) float32 array in [0, 1]:
    each digit's skeleton drawn with its pen, its longer side 20 px, its centre of mass
    within half a pixel of (14, 14) (unless ink would leave the frame). Images with no
    pixel above THRESHOLD come back unchanged.
    """
    X = np.asarray(images, dtype=np.float32)
    if X.ndim != 2 or X.shape[1] != FRAME * FRAME:
        raise InvalidInput(f"expected images of shape (n, {FRAME * FRAME}), got {X.shape}")
    if not (len(width) == 2 and 0 < width[0] <= width[1] < BOX / 2):
        raise ConfigError(f"expected width as (min, max) with 0 < min <= max < 10, got {width}")
    pens = rng.uniform(width[0], width[1], len(X)).astype(np.float32)
    skeletons = thin(X.reshape(-1, FRAME, FRAME) > THRESHOLD)
    has_ink = np.count_nonzero(skeletons, axis=(1, 2)) > 0
    out = X.copy()  # images without ink stay as they are
    for start in range(0, len(X), _CHUNK):
        chunk = slice(start, start + _CHUNK)
        inked = has_ink[chunk]
        if inked.any():
            drawn = _draw(skeletons[chunk][inked], pens[chunk][inked])
            out[chunk][inked] = drawn.reshape(len(drawn), -1)
    return out


def _draw(skeletons: npt.NDArray[np.bool_], pens: F32) -> F32:
    """(n, 28, 28) skeletons, each with ink, drawn with pens of diameter ``pens`` (n,)."""
    path = _path(skeletons)
    half = np.arange(path.shape[1], dtype=np.float32) / 2  # half-grid index -> pixel
    per_row, per_col = np.count_nonzero(path, axis=2), np.count_nonzero(path, axis=1)
    weight = per_row.sum(axis=1, dtype=np.float32)
    centre = np.stack([per_row @ half, per_col @ half], axis=1) / weight[:, None]  # (row, col)
    (top, bottom), (left, right) = _extent(per_row > 0), _extent(per_col > 0)
    first = np.stack([top, left], axis=1) / 2  # (n, 2): the path's first row and column
    span = np.stack([bottom - top, right - left], axis=1) / 2  # (n, 2): height and width
    scale = (BOX - pens) / np.maximum(span.max(axis=1), MIN_SPAN)
    # Output position o of the centre: at CENTRE, then moved along the longer side so that
    # the ink box (path's box, plus the pen) starts on a pixel edge (at k - 1/2).
    origin = np.full((len(pens), 2), CENTRE, dtype=np.float32)
    edge = scale[:, None] * (first - centre) + origin - pens[:, None] / 2
    longer = np.argmax(span, axis=1)
    at = np.arange(len(pens))
    origin[at, longer] += np.floor(edge[at, longer]) + 0.5 - edge[at, longer]

    reach = math.ceil(float(((pens + 1) / scale).max()))  # half-pixels where ink may fall
    distance = _distance(path, reach)  # (n, 28, 28), pixels of the source frame
    grid = np.arange(-_MARGIN, FRAME + _MARGIN, dtype=np.float32)
    source = centre[:, :, None] + (grid - origin[:, :, None]) / scale[:, None, None]
    d = _bilinear(distance, source[:, 0], source[:, 1], far=reach / 2)
    ink = np.clip(pens[:, None, None] / 2 - scale[:, None, None] * d + 0.5, 0, 1)
    return _centred(ink)


def _path(skeletons: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """(n, 55, 55) bool on the half-pixel grid: skeleton pixels and the midpoints of links.

    Index 2i is pixel i, 2i + 1 is halfway between pixels i and i + 1.
    """
    n, h, w = skeletons.shape
    s = skeletons
    path = np.zeros((n, 2 * h - 1, 2 * w - 1), dtype=bool)
    path[:, ::2, ::2] = s
    path[:, ::2, 1::2] = s[:, :, :-1] & s[:, :, 1:]
    path[:, 1::2, ::2] = s[:, :-1] & s[:, 1:]
    path[:, 1::2, 1::2] = (s[:, :-1, :-1] & s[:, 1:, 1:]) | (s[:, :-1, 1:] & s[:, 1:, :-1])
    return path


def _extent(occupied: npt.NDArray[np.bool_]) -> tuple[F32, F32]:
    """First and last index holding True along axis 1 of (n, m), each (n,) float32."""
    m = occupied.shape[1]
    first = np.argmax(occupied, axis=1)
    last = m - 1 - np.argmax(occupied[:, ::-1], axis=1)
    return first.astype(np.float32), last.astype(np.float32)


def _distance(path: npt.NDArray[np.bool_], reach: int) -> F32:
    """Distance in pixels from each pixel centre to the nearest path point, (n, 28, 28).

    ``path``: (n, 55, 55) on the half-pixel grid. Distances beyond ``reach`` half-pixels
    come out between reach / 2 and (reach + 1) / 2: "far". Two passes, in whole
    half-pixels: the horizontal distance g within each half-grid row, at pixel columns,
    then d^2 = min over dy of dy^2 + g^2 down each pixel column.
    """
    n, size, _ = path.shape
    far, pixels = reach + 1, (size + 1) // 2
    squares = np.uint8 if 2 * far * far <= 255 else np.uint16  # d^2 < 2 far^2
    padded = np.pad(path, ((0, 0), (0, 0), (far, far)))
    g = np.full((n, size, pixels), far, dtype=squares)
    for dx in range(reach, -1, -1):  # nearest last, so it wins
        right = padded[:, :, far + dx : far + dx + 2 * pixels : 2]
        left = padded[:, :, far - dx : far - dx + 2 * pixels : 2]
        np.putmask(g, right | left, dx)
    g2 = np.full((n, size + 2 * reach, pixels), far * far, dtype=squares)
    g2[:, reach : reach + size] = g * g
    d2 = np.full((n, pixels, pixels), far * far, dtype=squares)
    for dy in range(-reach, reach + 1):
        rows = g2[:, reach + dy : reach + dy + 2 * pixels : 2]
        np.minimum(d2, rows + squares(dy * dy), out=d2)
    root: F32 = (np.sqrt(np.arange(2 * far * far)) / 2).astype(np.float32)  # d^2 -> pixels
    return root[d2]


def _bilinear(values: F32, rows: F32, cols: F32, far: float) -> F32:
    """``values`` (n, h, w) read at every (rows[i], cols[j]): (n, len(rows), len(cols)).

    ``rows`` (n, a), ``cols`` (n, b) are fractional indices; outside the array reads
    ``far``. Separable, as matrix products: (interpolation weights along the rows) @
    values @ (weights along the columns).T, each weight matrix two nonzeros a row.
    """
    _, h, w = values.shape
    padded = np.pad(values, ((0, 0), (1, 1), (1, 1)), constant_values=far)
    by_row = np.matmul(_weights(rows, h), padded)
    result: F32 = np.matmul(by_row, _weights(cols, w).transpose(0, 2, 1))
    return result


def _weights(at: F32, size: int) -> F32:
    """(n, k, size + 2) linear-interpolation weights reading a zero-padded axis at ``at``."""
    x = np.clip(at + 1, 0, size + 1 - 1e-3)
    x0 = np.floor(x).astype(np.intp)[..., None]
    f = (x[..., None] - x0).astype(np.float32)
    W = np.zeros((*at.shape, size + 2), dtype=np.float32)
    np.put_along_axis(W, x0, 1 - f, axis=-1)
    np.put_along_axis(W, x0 + 1, f, axis=-1)
    return W


def _centred(ink: F32) -> F32:
    """The 28x28 window of ``ink`` (n, 30, 30) whose centre of mass is nearest (14, 14)."""
    n, size, _ = ink.shape
    index = np.arange(size, dtype=np.float32) - _MARGIN
    total = ink.sum(axis=(1, 2))
    row = ink.sum(axis=2) @ index / total
    col = ink.sum(axis=1) @ index / total
    shift_r = np.clip(np.floor(row - CENTRE + 0.5), -_MARGIN, _MARGIN).astype(np.intp)
    shift_c = np.clip(np.floor(col - CENTRE + 0.5), -_MARGIN, _MARGIN).astype(np.intp)
    out = np.empty((n, FRAME, FRAME), dtype=np.float32)
    for dr in range(-_MARGIN, _MARGIN + 1):
        for dc in range(-_MARGIN, _MARGIN + 1):
            chosen = (shift_r == dr) & (shift_c == dc)
            window = ink[chosen, _MARGIN + dr : _MARGIN + dr + FRAME]
            out[chosen] = window[:, :, _MARGIN + dc : _MARGIN + dc + FRAME]
    return out
