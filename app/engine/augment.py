"""Random distortions of a batch of 28x28 digits, for training on MNIST.

With probability ``restroke``, a sample is first redrawn along its skeleton with a round
pen of random width, as the canvas draws (restroke.py). Then each sample gets one random
affine map (rotation, scale, shear and translation about
the image centre) and, with probability ``elastic_prob``, a smooth random displacement
field: the elastic distortion of Simard, Steinkraus & Platt (2003), "Best Practices for
Convolutional Neural Networks Applied to Visual Document Analysis", ICDAR. Both are
folded into one grid of source coordinates, so each image is resampled once (bilinear,
zero outside the image). The whole batch is handled at once, without a loop over samples.

Coordinates are in pixels: ``x`` is the column, ``y`` the row (pointing down), pixel
centres sit on integers, and the image centre is ``(13.5, 13.5)``.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.errors import ConfigError, InvalidInput
from app.engine.restroke import restroke

SIDE = 28  # images are SIDE x SIDE, flattened row-major
CENTRE = (SIDE - 1) / 2


@dataclass(frozen=True)
class AugmentConfig:
    """How strongly `augment` distorts; each amount is drawn uniformly per sample.

    The defaults keep every digit legible (checked by eye on a grid of augmented MNIST
    digits) while varying the angle, size, slant, position and stroke shape. The elastic
    field is smoother than Simard et al.'s (sigma 6 instead of 4) because here it comes on
    top of the affine part; it moves pixels by about 1.3 px (root mean square).
    """

    rotation_deg: float = 12.0  # max |angle| in degrees, either way
    scale: tuple[float, float] = (0.9, 1.1)  # (min, max) zoom factor
    shear: float = 0.2  # max |horizontal shear| (x += shear * y): a slant of about 11 degrees
    translate_px: float = 2.0  # max |shift| along x and along y, in pixels
    elastic_alpha: float = 34.0  # strength of the elastic field, in pixels (Simard et al.: 34)
    elastic_sigma: float = 6.0  # std of its Gaussian smoothing, in pixels (Simard et al.: 4)
    elastic_prob: float = 0.5  # fraction of samples that also get the elastic field
    restroke: float = 0.5  # fraction of samples first redrawn with a round pen (restroke.py)
    restroke_width: tuple[float, float] = (1.6, 3.6)  # (min, max) pen width, pixels

    def __post_init__(self) -> None:
        def check(ok: bool, expected: str, got: object) -> None:
            if not ok:
                raise ConfigError(f"expected {expected}, got {got!r}")

        check(0 <= self.rotation_deg <= 180, "rotation_deg in [0, 180]", self.rotation_deg)
        check(
            len(self.scale) == 2 and 0 < self.scale[0] <= self.scale[1] < np.inf,
            "scale as (min, max) with 0 < min <= max",
            self.scale,
        )
        check(0 <= self.shear <= 1, "shear in [0, 1]", self.shear)
        check(0 <= self.translate_px <= SIDE / 2, "translate_px in [0, 14]", self.translate_px)
        check(0 <= self.elastic_alpha < np.inf, "elastic_alpha >= 0", self.elastic_alpha)
        check(0 < self.elastic_sigma < np.inf, "elastic_sigma > 0", self.elastic_sigma)
        check(0 <= self.elastic_prob <= 1, "elastic_prob in [0, 1]", self.elastic_prob)
        check(0 <= self.restroke <= 1, "restroke in [0, 1]", self.restroke)


def augment(
    images: npt.NDArray[np.float32], rng: np.random.Generator, config: AugmentConfig
) -> npt.NDArray[np.float32]:
    """Randomly distort each image of a batch.

    images: (n, 784) in [0, 1], 28x28 images flattened row-major, 1 = ink; not modified.
    Returns a new (n, 784) float32 array in [0, 1]. All randomness comes from ``rng``.
    """
    n = len(images)
    if config.restroke > 0:
        redrawn = rng.random(n) < config.restroke
        if redrawn.any():
            images = images.copy()
            images[redrawn] = restroke(images[redrawn], rng, width=config.restroke_width)
    theta = rng.uniform(-config.rotation_deg, config.rotation_deg, n)
    s = rng.uniform(config.scale[0], config.scale[1], n)
    k = rng.uniform(-config.shear, config.shear, n)
    t = rng.uniform(-config.translate_px, config.translate_px, (n, 2))
    A = affine_matrices(theta, s, k, t)

    elastic = rng.random(n) < config.elastic_prob
    D = np.zeros((n, 2, SIDE, SIDE), dtype=np.float32)
    D[elastic] = elastic_displacement(
        rng, int(elastic.sum()), config.elastic_alpha, config.elastic_sigma
    )
    return warp(images, A, D)


def affine_matrices(
    theta_deg: npt.ArrayLike, s: npt.ArrayLike, k: npt.ArrayLike, t: npt.ArrayLike
) -> npt.NDArray[np.float32]:
    """Sampling matrices of the forward maps p -> c + t + R(theta) S(s) H(k) (p - c).

    The forward map shears (x += k * y), scales by s, rotates by theta degrees
    counter-clockwise as seen on screen, then shifts by t = (tx, ty), all about the centre
    c. theta_deg, s, k: (n,); t: (n, 2). Returns (n, 2, 3) float32 matrices A, the inverse
    maps: the output pixel at (x, y) reads the input at A @ (x, y, 1), as `warp` expects.
    """
    theta = np.radians(np.asarray(theta_deg, dtype=np.float64))
    cos, sin = np.cos(theta), np.sin(theta)
    s = np.asarray(s, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    # Inverse of the forward 2x2 part: H(-k) S(1/s) R(-theta). With y pointing down, the
    # on-screen counter-clockwise rotation is R(theta) = [[cos, sin], [-sin, cos]].
    R_inv = _matrices_2x2(cos, -sin, sin, cos)
    H_inv = _matrices_2x2(np.ones_like(k), -k, np.zeros_like(k), np.ones_like(k))
    M_inv = H_inv @ R_inv / s[:, None, None]
    c = np.full((2, 1), CENTRE)  # the centre as a column vector
    t = np.asarray(t, dtype=np.float64)[:, :, None]  # (n, 2, 1)
    offset = c - M_inv @ (c + t)
    return np.concatenate([M_inv, offset], axis=2).astype(np.float32)


def _matrices_2x2(
    a: npt.NDArray[np.float64],
    b: npt.NDArray[np.float64],
    c: npt.NDArray[np.float64],
    d: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """(n, 2, 2) stack of [[a, b], [c, d]] from four (n,) arrays."""
    return np.stack([np.stack([a, b], -1), np.stack([c, d], -1)], -2)


def gaussian_matrix(sigma: float) -> npt.NDArray[np.float32]:
    """(28, 28) float32 matrix G such that G @ U smooths each column of U with a Gaussian.

    Row i is the kernel exp(-(i - j)^2 / (2 sigma^2)) centred on pixel i and cut off at the
    border (zero padding), every row divided by the same constant, the sum of the uncut
    kernel; so G is symmetric and rows away from the border sum to 1.
    """
    d = np.arange(SIDE)
    g = np.exp(-((d[:, None] - d[None, :]) ** 2) / (2 * sigma**2))
    full_kernel_sum = float(np.exp(-(np.arange(-SIDE + 1, SIDE) ** 2) / (2 * sigma**2)).sum())
    return (g / full_kernel_sum).astype(np.float32)


def elastic_displacement(
    rng: np.random.Generator, n: int, alpha: float, sigma: float
) -> npt.NDArray[np.float32]:
    """Smooth random displacement fields of Simard et al. (2003).

    Uniform noise U in [-1, 1] per pixel, smoothed along rows and columns by G @ U @ G.T
    (a separable Gaussian filter of std sigma) and scaled by alpha. Returns (n, 2, 28, 28)
    float32: (dx, dy) in pixels for every output pixel.
    """
    U = 2 * rng.random((n, 2, SIDE, SIDE), dtype=np.float32) - 1
    G = gaussian_matrix(sigma)
    return (alpha * (G @ U @ G.T)).astype(np.float32, copy=False)  # even for a float64 alpha


def warp(
    images: npt.NDArray[np.float32],
    A: npt.NDArray[np.float32],
    D: npt.NDArray[np.float32] | None = None,
) -> npt.NDArray[np.float32]:
    """Resample every image at source coordinates A @ (x, y, 1) + D(x, y), bilinearly.

    images: (n, 784) in [0, 1]; A: (n, 2, 3) affine matrices (see `affine_matrices`);
    D: (n, 2, 28, 28) displacements (dx, dy) in pixels, or None. Points outside the image
    read 0. Returns a new (n, 784) float32 array in [0, 1]; images is not modified.
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 2 or images.shape[1] != SIDE * SIDE:
        raise InvalidInput(f"expected images of shape (n, {SIDE * SIDE}), got {images.shape}")
    n = len(images)
    y, x = np.divmod(np.arange(SIDE * SIDE, dtype=np.float32), SIDE)
    P = np.stack([x, y, np.ones_like(x)])  # (3, 784) homogeneous target coordinates
    source = A.astype(np.float32) @ P  # (n, 2, 784)
    if D is not None:
        source += D.reshape(n, 2, SIDE * SIDE)

    # A one-pixel zero border makes the fill automatic: coordinates are clipped into it, and
    # the top-left neighbour (x0, y0) is kept one pixel inside so that x0 + 1, y0 + 1 exist.
    W = SIDE + 2
    padded = np.pad(images.reshape(n, SIDE, SIDE), ((0, 0), (1, 1), (1, 1))).ravel()
    xs = np.clip(source[:, 0], -1, SIDE)
    ys = np.clip(source[:, 1], -1, SIDE)
    x0 = np.minimum(np.floor(xs), SIDE - 1)
    y0 = np.minimum(np.floor(ys), SIDE - 1)
    wx, wy = xs - x0, ys - y0
    i00 = (np.arange(n)[:, None] * W + y0.astype(np.intp) + 1) * W + x0.astype(np.intp) + 1
    top = (1 - wx) * padded[i00] + wx * padded[i00 + 1]
    bottom = (1 - wx) * padded[i00 + W] + wx * padded[i00 + W + 1]
    out: npt.NDArray[np.float32] = (1 - wy) * top + wy * bottom
    np.clip(out, 0, 1, out=out)  # a convex combination: this only undoes float rounding
    return out
