"""Tests of app.engine.preprocess.strokes: drawings rendered like MNIST digits."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.errors import ConfigError, EmptyDrawing, InvalidInput
from app.engine.preprocess.frame import SUPERSAMPLE
from app.engine.preprocess.strokes import PEN_WIDTH, render_strokes, strokes_to_pixels
from tests.engine.preprocess.helpers import assert_network_input, centre_of_mass, ink_box

Drawing = list[list[list[float]]]

# A "7" and a "4" drawn on a 280x280 canvas, as a browser sends them: [x, y, t].
SEVEN: Drawing = [[[80, 45, 0], [140, 46, 16], [200, 45, 33], [160, 140, 50], [120, 240, 66]]]
FOUR: Drawing = [
    [[160.0, 45.0], [120.0, 110.0], [80.0, 175.0], [140.0, 175.0], [205.0, 175.0]],
    [[165.0, 110.0], [162.0, 175.0], [160.0, 240.0]],
]


def transformed(drawing: Drawing, scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> Drawing:
    """``drawing`` scaled about the origin, then moved by (dx, dy)."""
    return [[[x * scale + dx, y * scale + dy] for x, y, *_ in stroke] for stroke in drawing]


def test_output_is_a_28x28_float32_image_in_0_1() -> None:
    image = strokes_to_pixels(SEVEN, 280, 280)
    assert_network_input(image)


def test_a_digit_fits_20_px_and_looks_like_mnist() -> None:
    """MNIST digits: longer side 20 px, strokes ~2.8 px wide, total ink ~100."""
    image = strokes_to_pixels(FOUR, 280, 280)
    assert max(ink_box(image)) == 20
    assert 80 < image.sum() < 130
    row, col = centre_of_mass(image)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5


def test_a_thin_tall_one_stays_thin() -> None:
    image = strokes_to_pixels([[[150, 40], [148, 140], [146, 240]]], 280, 280)
    height, width = ink_box(image)
    assert height == 20
    assert width <= 4
    # Across the stroke, ink adds up to the pen's width.
    assert image[8:20].sum(axis=1) == pytest.approx(np.full(12, PEN_WIDTH), abs=0.25)


def test_a_horizontal_line_is_fitted_by_its_width() -> None:
    image = strokes_to_pixels([[[30, 150], [250, 150]]], 280, 280)
    assert ink_box(image) == (3, 20)


@pytest.mark.parametrize("dot", [[[[100, 120]]], [[[100, 120]] * 5], [[[5, 5, 0], [5, 5, 30]]]])
def test_a_dot_is_a_round_dot_of_pen_size(dot: Drawing) -> None:
    image = strokes_to_pixels(dot, 280, 280)
    assert ink_box(image) == (3, 3)
    assert image.sum() == pytest.approx(math.pi * (PEN_WIDTH / 2) ** 2, rel=0.1)
    np.testing.assert_array_equal(image, image.T)  # round: the same along rows and columns


def test_a_tap_that_jitters_by_a_pixel_stays_a_dot() -> None:
    image = strokes_to_pixels([[[100.0, 120.0], [101.0, 120.5]]], 280, 280)
    assert max(ink_box(image)) <= 4


def test_several_strokes_are_all_drawn() -> None:
    plus = strokes_to_pixels([[[40, 140], [240, 140]], [[140, 40], [140, 240]]], 280, 280)
    inked = plus > 0.5
    assert inked.sum(axis=1).max() >= 19  # the horizontal bar
    assert inked.sum(axis=0).max() >= 19  # the vertical bar


def test_a_tiny_digit_in_a_corner_equals_the_same_digit_drawn_large() -> None:
    tiny = strokes_to_pixels(transformed(SEVEN, 0.15, 240, 240), 280, 280)  # 29 px tall
    large = strokes_to_pixels(transformed(SEVEN, 1.4, -70, -60), 280, 280)
    np.testing.assert_allclose(tiny, large, atol=1e-6)


def test_time_is_ignored_and_numpy_arrays_are_accepted() -> None:
    as_lists = strokes_to_pixels(transformed(FOUR), 280, 280)
    as_arrays = strokes_to_pixels([np.array(stroke) for stroke in FOUR], 280, 280)
    with_times = strokes_to_pixels(
        [[[x, y, 10 * i] for i, (x, y) in enumerate(stroke)] for stroke in FOUR], 280, 280
    )
    np.testing.assert_array_equal(as_lists, as_arrays)
    np.testing.assert_array_equal(as_lists, with_times)


def test_a_thicker_pen_leaves_more_ink() -> None:
    thin = strokes_to_pixels(FOUR, 280, 280, pen_width=2)
    thick = strokes_to_pixels(FOUR, 280, 280, pen_width=4)
    assert thick.sum() > 1.5 * thin.sum()


@pytest.mark.parametrize("pen_width", [0, -1, 20, float("nan")])
def test_an_impossible_pen_width_is_a_programming_error(pen_width: float) -> None:
    with pytest.raises(ConfigError, match="expected pen_width in"):
        strokes_to_pixels(FOUR, 280, 280, pen_width=pen_width)


@pytest.mark.parametrize(
    ("strokes", "message"),
    [
        ([], "expected a drawing with at least one point, got no strokes"),
        ([[], []], "got 2 empty strokes"),
    ],
)
def test_no_points_is_an_empty_drawing(strokes: Drawing, message: str) -> None:
    with pytest.raises(EmptyDrawing, match=message):
        strokes_to_pixels(strokes, 280, 280)


@pytest.mark.parametrize(
    ("strokes", "message"),
    [
        ("abc", "expected a list of strokes, got 'abc'"),
        (
            [[1, 2], [3, 4]],
            r"stroke 0, point 0: expected \[x, y\] or \[x, y, t\] \(numbers\), got 1",
        ),
        ([[[1, 2]], 7], "stroke 1: expected a list of points, got 7"),
        (
            [[[1, 2], [3, 4], [5]]],
            r"stroke 0, point 2: expected \[x, y\] or \[x, y, t\] \(numbers\), got \[5\]",
        ),
        ([[[1, 2, 3, 4]]], r"got \[1, 2, 3, 4\]"),
        ([[[1, 2]], [[3, "4"]]], r"stroke 1, point 0: .* got \[3, '4'\]"),
        ([[[1, None]]], r"stroke 0, point 0: .* got \[1, None\]"),
        ([[[True, False]]], r"stroke 0, point 0: .* got \[True, False\]"),
        ([[[[1, 2]]]], r"stroke 0, point 0: .* got \[\[1, 2\]\]"),
        ([[[1, 2], [3, float("nan")]]], "stroke 0, point 1: expected finite numbers, got"),
        ([[[1, 2, float("inf")]]], "stroke 0, point 0: expected finite numbers"),
        (
            [[[1, 2]], [[1, 2], [-300, 5]]],
            r"stroke 1, point 1: expected a point at most one canvas size outside the "
            r"280x200 canvas, got \(-300, 5\)",
        ),
        ([[[1, 401]]], r"stroke 0, point 0: .* got \(1, 401\)"),
    ],
)
def test_malformed_strokes_are_refused_naming_the_place(strokes: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        strokes_to_pixels(strokes, 280, 200)  # type: ignore[arg-type]


@pytest.mark.parametrize("side", [0, -5, 10_001, float("nan"), float("inf"), "280", True, None])
def test_a_bad_canvas_size_is_refused(side: object) -> None:
    with pytest.raises(InvalidInput, match=r"canvas width: expected a number in \(0, 10000\]"):
        strokes_to_pixels(FOUR, side, 280)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="canvas height"):
        strokes_to_pixels(FOUR, 280, side)  # type: ignore[arg-type]


# Properties on random drawings: 1 to 4 strokes of 1 to 30 points on a 280x280 canvas.
coordinate = st.floats(0, 280, allow_nan=False)
drawings = st.lists(
    st.lists(st.lists(coordinate, min_size=2, max_size=2), min_size=1, max_size=30),
    min_size=1,
    max_size=4,
)


@given(drawings)
@settings(deadline=None)
def test_any_drawing_is_framed_like_mnist(drawing: Drawing) -> None:
    image = strokes_to_pixels(drawing, 280, 280)
    assert_network_input(image)
    height, width = ink_box(image)  # of every pixel with any ink, however faint
    assert height <= 20 and width <= 20
    # The centre of mass is within half a pixel of (14, 14), unless the shift that puts it
    # there cut some ink off at the frame's edge (a lopsided drawing).
    rendered = render_strokes(drawing, 280, 280)
    if image.sum() == pytest.approx(rendered.sum() / SUPERSAMPLE**2):
        row, col = centre_of_mass(image)
        assert abs(row - 14) <= 0.5 + 1e-6 and abs(col - 14) <= 0.5 + 1e-6


# Moving or scaling a drawing leaves the render unchanged: the normalised points are the
# same up to float noise, far below the 1e-9 margin of the rounding to the render grid.
# So the outputs agree to float32 precision. Measured over 6000 random drawings (with
# whole-pixel ones full of exact halves) and 4000 Hypothesis examples per test: largest
# difference 0. Without the margin, 40 in 3000 scaled drawings moved by a whole pixel.
@given(drawings, st.floats(-250, 250), st.floats(-250, 250))
@settings(deadline=None)
def test_moving_a_drawing_does_not_change_the_result(
    drawing: Drawing, dx: float, dy: float
) -> None:
    moved = strokes_to_pixels(transformed(drawing, dx=dx, dy=dy), 280, 280)
    np.testing.assert_allclose(moved, strokes_to_pixels(drawing, 280, 280), atol=1e-6)


@given(drawings, st.floats(0.25, 4))
@settings(deadline=None)
def test_scaling_a_drawing_and_its_canvas_does_not_change_the_result(
    drawing: Drawing, scale: float
) -> None:
    scaled = strokes_to_pixels(transformed(drawing, scale), 280 * scale, 280 * scale)
    np.testing.assert_allclose(scaled, strokes_to_pixels(drawing, 280, 280), atol=1e-6)


# Anything at all, as JSON can carry it (and NumPy-free Python adds): the answer is an
# image or a refusal the API turns into a 422, never another exception.
anything = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()  # NaN, infinities, subnormals, huge values
    | st.text(max_size=3),
    lambda children: st.lists(children, max_size=5),
    max_leaves=40,
)


# Well-formed strokes with any numbers at all as points: NaN, infinities, 1e308, -0.0.
any_points = st.lists(
    st.lists(st.lists(st.floats() | st.integers(), min_size=2, max_size=3), max_size=20),
    max_size=3,
)


@given(anything | any_points, st.one_of(st.floats(), st.integers(-5, 20_000)))
@settings(deadline=None, max_examples=300)
def test_arbitrary_input_gives_an_image_or_a_clear_refusal(strokes: object, side: float) -> None:
    try:
        image = strokes_to_pixels(strokes, side, 280)  # type: ignore[arg-type]
    except (InvalidInput, EmptyDrawing) as refusal:
        assert str(refusal)  # a message to show
    else:
        assert_network_input(image)
