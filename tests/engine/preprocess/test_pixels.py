"""Tests of app.engine.preprocess.pixels: a 28x28 grid taken as it is."""

from typing import Any

import numpy as np
import pytest

from app.engine.errors import EmptyDrawing, InvalidInput
from app.engine.preprocess.pixels import pixels_to_array


def grid(value: object = 0.0) -> list[list[Any]]:
    """A 28x28 list of lists of ``value``, as parsed from JSON."""
    return [[value] * 28 for _ in range(28)]


def test_a_valid_grid_is_returned_as_float32_unchanged() -> None:
    pixels = grid()
    pixels[3][5] = 1
    pixels[20][7] = 0.25
    array = pixels_to_array(pixels)
    assert array.shape == (28, 28)
    assert array.dtype == np.float32
    assert array[3, 5] == 1.0
    assert array[20, 7] == 0.25
    assert array.sum() == 1.25


def test_numpy_arrays_are_accepted() -> None:
    array = np.linspace(0, 1, 784).reshape(28, 28)
    np.testing.assert_array_equal(pixels_to_array(array), array.astype(np.float32))


def with_value(row: int, col: int, value: object) -> list[list[object]]:
    pixels = grid()
    pixels[row][col] = value
    return pixels


def with_row(row: int, values: object) -> list[object]:
    pixels: list[object] = list(grid())
    pixels[row] = values
    return pixels


@pytest.mark.parametrize(
    ("pixels", "message"),
    [
        (grid()[:27], "expected 28 rows of 28 numbers, got 27 rows"),
        ("abc", "expected 28 rows of 28 numbers, got 'abc'"),
        (np.zeros(784), "expected 28 rows of 28 numbers, got 784 rows"),
        (with_row(4, [0.0] * 27), "row 4: expected 28 numbers, got 27 values"),
        (with_row(6, 0.5), "row 6: expected 28 numbers, got 0.5"),
        (with_value(2, 9, "0.5"), "row 2, column 9: expected a number, got '0.5'"),
        (with_value(2, 9, None), "row 2, column 9: expected a number, got None"),
        (np.ones((28, 28), dtype=bool), "row 0, column 0: expected a number, got np.True_"),
        (
            with_value(5, 6, float("nan")),
            r"row 5, column 6: expected a number in \[0, 1\], got nan",
        ),
        (with_value(27, 27, 1.5), r"row 27, column 27: expected a number in \[0, 1\], got 1.5"),
        (with_value(1, 0, -0.01), r"row 1, column 0: expected a number in \[0, 1\], got -0.01"),
        (np.zeros((28, 28, 1)), "row 0, column 0: expected a number, got array"),
    ],
)
def test_bad_grids_are_refused_naming_the_place(pixels: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        pixels_to_array(pixels)  # type: ignore[arg-type]


def test_all_zeros_is_an_empty_drawing() -> None:
    with pytest.raises(EmptyDrawing, match="got 28x28 zeros"):
        pixels_to_array(np.zeros((28, 28)))
