import numpy as np

from app.engine.figures import NEGATIVE, POSITIVE, ZERO, diverging, weight_grid


def test_diverging_maps_sign_to_colour() -> None:
    rgb = diverging(np.array([-2.0, 0.0, 2.0, 1.0]))
    assert rgb.shape == (4, 3) and rgb.dtype == np.uint8
    np.testing.assert_array_equal(rgb[0], NEGATIVE)
    np.testing.assert_array_equal(rgb[1], ZERO)
    np.testing.assert_array_equal(rgb[2], POSITIVE)
    np.testing.assert_array_equal(rgb[3], np.rint((ZERO + POSITIVE) / 2))
    np.testing.assert_array_equal(diverging(np.zeros(3)), np.tile(ZERO, (3, 1)))


def test_weight_grid_places_each_unit() -> None:
    weights = np.zeros((784, 5))
    weights[0, 3] = 1.0  # unit 3: one positive pixel at its top-left corner
    grid = weight_grid(weights, columns=2, scale=2)
    assert grid.shape == (3 * 58, 2 * 58, 3)
    np.testing.assert_array_equal(grid[58, 58 + 0], POSITIVE)  # row 1, column 1, pixel (0, 0)
    np.testing.assert_array_equal(grid[58, 58 + 2], ZERO)
    np.testing.assert_array_equal(grid[57, 57], [255, 255, 255])  # the gap
