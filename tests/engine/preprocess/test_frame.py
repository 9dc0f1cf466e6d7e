"""Tests of app.engine.preprocess.frame: MNIST's framing of an ink map."""

import gzip
from pathlib import Path

import numpy as np
import pytest

from app.engine.errors import EmptyDrawing, InvalidInput
from app.engine.preprocess.frame import centre_by_mass, frame_digit
from tests.engine.preprocess.helpers import (
    assert_network_input,
    centre_of_mass,
    correlation,
    ink_box,
)


def ring(height: int, width: int, thickness: int) -> np.ndarray:
    """A (height, width) float32 rectangle outline ``thickness`` pixels thick."""
    ink = np.ones((height, width), dtype=np.float32)
    ink[thickness:-thickness, thickness:-thickness] = 0
    return ink


def test_output_is_a_28x28_float32_image_in_0_1() -> None:
    image = frame_digit(ring(90, 60, 9))
    assert_network_input(image)


def test_longer_side_becomes_20_px_and_the_aspect_ratio_is_kept() -> None:
    assert ink_box(frame_digit(ring(90, 60, 9))) == (20, 14)  # 60 / 90 * 20 = 13.3
    assert ink_box(frame_digit(ring(30, 120, 6))) == (5, 20)


def test_a_thin_tall_bar_stays_thin() -> None:
    bar = np.zeros((200, 100), dtype=np.float32)
    bar[10:190, 45:55] = 1
    height, width = ink_box(frame_digit(bar))
    assert height == 20
    assert width <= 2


def test_ink_is_area_averaged_so_the_total_scales_with_the_area() -> None:
    image = frame_digit(ring(100, 100, 10))  # 36% of the box is ink
    assert image.sum() == pytest.approx(0.36 * 20 * 20, rel=0.01)


@pytest.mark.parametrize("shape", [(90, 60), (31, 77), (200, 13)])
def test_centre_of_mass_lands_within_half_a_pixel_of_14_14(shape: tuple[int, int]) -> None:
    ink = np.zeros(shape, dtype=np.float32)
    ink[: shape[0] // 3, :] = 1  # heavy at the top
    ink[:, : max(1, shape[1] // 4)] = 0.5
    row, col = centre_of_mass(frame_digit(ink))
    assert abs(row - 14) <= 0.5
    assert abs(col - 14) <= 0.5


def test_moving_the_ink_does_not_change_the_result() -> None:
    small, large = np.zeros((100, 100), np.float32), np.zeros((300, 500), np.float32)
    small[5:95, 20:80] = ring(90, 60, 9)
    large[200:290, 7:67] = ring(90, 60, 9)
    np.testing.assert_array_equal(frame_digit(small), frame_digit(large))


def test_a_blank_map_is_an_empty_drawing() -> None:
    with pytest.raises(EmptyDrawing, match="expected some ink"):
        frame_digit(np.zeros((50, 40)))


@pytest.mark.parametrize(
    ("ink", "message"),
    [
        (np.ones((3, 4, 5)), r"expected a 2-D array of numbers as ink map, got shape \(3, 4, 5\)"),
        (np.array([["a", "b"]]), "2-D array of numbers"),
        (np.array([[0.5, np.nan]]), "expected finite ink values"),
        (np.array([[0.5, 2.0]]), r"expected ink values in \[0, 1\], got values from 0.5 to 2"),
        (np.array([[-0.1, 1.0]]), r"expected ink values in \[0, 1\]"),
    ],
)
def test_bad_ink_maps_are_refused(ink: np.ndarray, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        frame_digit(ink)


def test_centre_by_mass_shifts_by_whole_pixels() -> None:
    ink = np.zeros((5, 5), dtype=np.float32)
    ink[1, 3] = 1.0  # centre of mass (1, 3): shifted by (13, 11)
    image = centre_by_mass(ink)
    assert image[14, 14] == 1.0
    assert image.sum() == 1.0


def test_centre_by_mass_cuts_off_ink_pushed_out_of_the_frame() -> None:
    ink = np.zeros((19, 20), dtype=np.float32)
    ink[:, 0] = 0.1  # a faint stem on the left
    ink[:, 15:] = 1.0  # mass on the right: centre of mass (9, 16.7), shift by (5, -3)
    image = centre_by_mass(ink)
    np.testing.assert_array_equal(image[5:24, :17], ink[:, 3:])
    assert image.sum() == pytest.approx(ink[:, 3:].sum())


def test_mnist_digits_come_back_nearly_unchanged(mnist_dir: Path) -> None:
    """MNIST digits are already framed this way, so framing them again changes little."""
    name = "t10k-images-idx3-ubyte"
    path = mnist_dir / name
    data = (
        path.read_bytes()
        if path.is_file()
        else gzip.decompress((mnist_dir / f"{name}.gz").read_bytes())
    )
    digits = np.frombuffer(data, np.uint8, count=200 * 784, offset=16).reshape(200, 28, 28) / 255
    correlations = [correlation(frame_digit(digit), digit) for digit in digits]
    assert np.median(correlations) > 0.98
    assert min(correlations) > 0.8
