"""Measurements on (28, 28) images shared by the preprocessing tests."""

import numpy as np
import numpy.typing as npt

Image28 = npt.NDArray[np.float32]


def assert_network_input(image: Image28) -> None:
    """Assert that ``image`` is what the network reads: (28, 28) float32 in [0, 1]."""
    assert image.shape == (28, 28)
    assert image.dtype == np.float32
    assert image.min() >= 0
    assert image.max() <= 1


def centre_of_mass(image: Image28) -> tuple[float, float]:
    """(row, col) of the centre of mass of ``image``, in pixel-index coordinates."""
    total = image.sum(dtype=np.float64)
    rows = image.sum(axis=1) @ np.arange(image.shape[0]) / total
    cols = image.sum(axis=0) @ np.arange(image.shape[1]) / total
    return float(rows), float(cols)


def ink_box(image: Image28, threshold: float = 0.0) -> tuple[int, int]:
    """(height, width) of the bounding box of the pixels above ``threshold``."""
    rows = np.flatnonzero((image > threshold).any(axis=1))
    cols = np.flatnonzero((image > threshold).any(axis=0))
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def correlation(a: Image28, b: Image28) -> float:
    """Pearson correlation of the pixels of ``a`` and ``b``."""
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def correlation_up_to_a_pixel(a: Image28, b: Image28) -> float:
    """The best correlation of ``a`` shifted by at most one pixel each way with ``b``.

    Digits centred by whole pixels (as in MNIST) come out a pixel apart when two nearly
    equal drawings have centres of mass on either side of a half pixel.
    """
    shifts = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]
    return max(correlation(np.roll(a, shift, axis=(0, 1)), b) for shift in shifts)
