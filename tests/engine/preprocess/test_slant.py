"""Tests of app.engine.preprocess.slant: a digit's slant taken out by a shear."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.errors import InvalidInput
from app.engine.preprocess import strokes_to_pixels
from app.engine.preprocess.slant import MAX_SLANT, deskew, slants
from tests.engine.preprocess.helpers import centre_of_mass


def leaning_bar(lean: float) -> np.ndarray:
    """(1, 784): a bar 3 px wide from row 4 to row 23 whose top is ``lean`` px per row
    further right than its bottom."""
    image = np.zeros((28, 28), np.float32)
    for row in range(4, 24):
        col = round(14 + lean * (13.5 - row))
        image[row, col - 1 : col + 2] = 1.0
    return image.reshape(1, 784)


def column_spread(image: np.ndarray) -> float:
    """The standard deviation of the ink's columns, weighted by ink (a 3-px bar: 0.8)."""
    weights = image.reshape(28, 28).sum(axis=0)
    columns = np.arange(28)
    mean = weights @ columns / weights.sum()
    return float(np.sqrt(weights @ (columns - mean) ** 2 / weights.sum()))


@pytest.mark.parametrize("lean", [-0.5, -0.2, 0.3, 0.5])
def test_a_leaning_bar_stands_up_where_it_was(lean: float) -> None:
    bar = leaning_bar(lean)
    assert slants(bar)[0] == pytest.approx(lean, abs=0.03)
    upright = deskew(bar)
    assert upright.dtype == np.float32 and upright.shape == (1, 784)
    assert abs(slants(upright)[0]) < 1e-6
    assert upright.min() >= 0 and upright.max() <= 1
    assert column_spread(upright) < 1.0 < column_spread(bar)  # a column, not a diagonal
    np.testing.assert_allclose(
        centre_of_mass(upright.reshape(28, 28)), centre_of_mass(bar.reshape(28, 28)), atol=1e-4
    )
    assert upright.sum() == pytest.approx(bar.sum(), rel=1e-4)  # nothing lost


def test_upright_digits_and_blank_images_stay_as_they_are() -> None:
    upright = leaning_bar(0.0)
    np.testing.assert_allclose(deskew(upright), upright, atol=1e-6)
    blank = np.zeros((1, 784), np.float32)
    assert slants(blank)[0] == 0.0
    np.testing.assert_array_equal(deskew(blank), blank)
    flat = np.zeros((28, 28), np.float32)
    flat[14, 4:24] = 1.0  # a horizontal line: its slant is not defined, and is left at 0
    assert slants(flat.reshape(1, 784))[0] == 0.0


def test_each_image_of_a_batch_is_deskewed_on_its_own() -> None:
    batch = np.vstack([leaning_bar(0.4), leaning_bar(-0.3), leaning_bar(0.0)])
    together = deskew(batch)
    alone = np.vstack([deskew(image[None]) for image in batch])
    np.testing.assert_allclose(together, alone, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.floats(-0.8, 0.8), st.floats(0.3, 1.0))
def test_a_drawn_slant_is_taken_out_whatever_its_size(lean: float, size: float) -> None:
    """A drawn '1' slanted by ``lean`` reads as upright after deskewing, and slants are
    never beyond MAX_SLANT."""
    top, bottom = 140 - 100 * size, 140 + 100 * size
    stroke = [[140 + lean * (140 - y), y] for y in np.linspace(top, bottom, 12)]
    image = strokes_to_pixels([stroke], 280, 280).reshape(1, 784)
    assert abs(slants(image)[0]) <= MAX_SLANT
    assert abs(slants(deskew(image))[0]) < 0.08


def test_anything_but_a_batch_of_28x28_images_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"expected images of shape \(n, 784\), got \(28, 28\)"):
        deskew(np.zeros((28, 28), np.float32))
