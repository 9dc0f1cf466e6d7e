"""Tests of app.engine.proxy.trace: skeletons walked into pen strokes on the canvas."""

import numpy as np
import pytest

from app.engine.errors import EmptyDrawing, InvalidInput
from app.engine.preprocess import strokes_to_pixels
from app.engine.proxy.thinning import thin
from app.engine.proxy.trace import trace
from tests.engine.preprocess.helpers import correlation_up_to_a_pixel
from tests.shapes import DIGITS, strokes


def grid(*pixels: tuple[int, int], size: int = 28) -> np.ndarray:
    """A (size, size) skeleton with the given (x, y) pixels set."""
    image = np.zeros((size, size), dtype=bool)
    for x, y in pixels:
        image[y, x] = True
    return image


def line(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """The pixels of a straight line, one per step along its longer axis."""
    n = max(abs(x1 - x0), abs(y1 - y0))
    return [(round(x0 + (x1 - x0) * t / n), round(y0 + (y1 - y0) * t / n)) for t in range(n + 1)]


def ring_skeleton() -> np.ndarray:
    y, x = np.mgrid[:28, :28] - 13.5
    return thin(((np.hypot(y, x) >= 6) & (np.hypot(y, x) <= 10))[None])[0]


def canvas_centres(skeleton: np.ndarray) -> np.ndarray:
    """(k, 2) canvas (x, y) of the skeleton's pixel centres on a 280 canvas."""
    y, x = np.nonzero(skeleton)
    return (np.stack([x, y], axis=1) + 0.5) * 10


def distance_to_strokes(points: np.ndarray, drawing: list[np.ndarray]) -> np.ndarray:
    """For each point, its distance to the nearest segment of any stroke."""
    best = np.full(len(points), np.inf)
    for stroke in drawing:
        a, b = stroke[:-1], stroke[1:]
        if not len(a):
            a = b = stroke
        ab = b - a
        t = ((points[:, None] - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-12)
        nearest = a + np.clip(t, 0, 1)[..., None] * ab
        best = np.minimum(best, np.hypot(*(points[:, None] - nearest).T).T.min(axis=1))
    return best


def test_a_ring_is_one_closed_stroke_drawn_counter_clockwise_from_the_top() -> None:
    skeleton = ring_skeleton()
    (stroke,) = trace(skeleton)
    assert np.hypot(*(stroke[0] - stroke[-1])) < 1e-9  # closed
    assert stroke[0, 1] < 70  # starts at the top (ring from y = 40 to 240 on the canvas)
    x, y = stroke.T
    signed_area = (x[:-1] * y[1:] - x[1:] * y[:-1]).sum() / 2
    assert signed_area < 0  # y points down: counter-clockwise on screen
    assert distance_to_strokes(canvas_centres(skeleton), [stroke]).max() < 10


def test_a_t_is_two_strokes_covering_every_pixel() -> None:
    skeleton = grid(*line(4, 6, 23, 6), *line(13, 7, 13, 23))
    drawing = trace(skeleton)
    assert len(drawing) == 2
    bar, stem = drawing  # the bar starts further up-left, so it comes first
    assert bar[0] == pytest.approx([45, 65], abs=1e-6)
    assert bar[-1] == pytest.approx([235, 65], abs=1e-6)
    assert stem[-1] == pytest.approx([135, 235], abs=1e-6)
    assert distance_to_strokes(canvas_centres(skeleton), drawing).max() < 10


def test_a_line_is_one_stroke_from_its_upper_end_resampled_evenly() -> None:
    skeleton = grid(*line(20, 3, 6, 24))
    (stroke,) = trace(skeleton, spacing=5.0)
    assert stroke[0] == pytest.approx([205, 35], abs=1e-6)
    assert stroke[-1] == pytest.approx([65, 245], abs=1e-6)
    steps = np.hypot(*np.diff(stroke, axis=0).T)
    assert steps.max() <= 5.0 + 1e-9 and steps.min() > 4.0


def test_crossing_lines_go_straight_through_the_junction() -> None:
    skeleton = grid(*line(4, 4, 23, 23), *line(23, 4, 4, 23))
    drawing = trace(skeleton)
    assert len(drawing) == 2
    for stroke in drawing:
        assert np.hypot(*(stroke[-1] - stroke[0])) > 240  # corner to corner, not bent
    assert distance_to_strokes(canvas_centres(skeleton), drawing).max() < 10


def test_short_spurs_and_specks_are_dropped_long_branches_kept() -> None:
    stem = line(14, 3, 14, 24)
    with_spur = grid(*stem, (15, 12), (2, 2))  # a 1-px spur at the side, a lone speck
    assert len(trace(with_spur)) == 1
    with_branch = grid(*stem, *line(15, 12, 20, 12))  # a 6-px branch stays
    drawing = trace(with_branch)
    assert len(drawing) == 2
    assert distance_to_strokes(canvas_centres(with_branch), drawing).max() < 10


def test_a_lone_pixel_is_a_one_point_stroke() -> None:
    (stroke,) = trace(grid((3, 5)))
    assert stroke.tolist() == [[35.0, 55.0]]


def test_strokes_come_top_left_first() -> None:
    skeleton = grid(*line(4, 22, 23, 22), *line(8, 4, 20, 4))
    first, second = trace(skeleton)
    assert first[:, 1].max() < second[:, 1].min()


def test_without_a_generator_it_is_deterministic_with_one_it_jitters_reproducibly() -> None:
    skeleton = ring_skeleton()
    (plain,) = trace(skeleton)
    (again,) = trace(skeleton)
    np.testing.assert_array_equal(plain, again)
    (a,) = trace(skeleton, rng=np.random.default_rng(3))
    (b,) = trace(skeleton, rng=np.random.default_rng(3))
    (c,) = trace(skeleton, rng=np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert len(a) != len(c) or not np.array_equal(a, c)
    assert distance_to_strokes(a, [plain]).max() < 5  # jitter is small
    assert np.hypot(*np.diff(a, axis=0).T).std() > 0.5  # uneven spacing


@pytest.mark.parametrize("digit", range(10))
def test_a_drawing_traced_back_renders_like_itself(digit: int) -> None:
    """Canvas strokes -> 28x28 -> skeleton -> strokes -> 28x28 gives the same digit."""
    drawn = strokes(DIGITS[digit], np.random.default_rng(digit))
    image = strokes_to_pixels(drawn, 280, 280)
    skeleton = thin((image >= 0.5)[None])[0]
    again = strokes_to_pixels(trace(skeleton, rng=np.random.default_rng(0)), 280, 280)
    assert correlation_up_to_a_pixel(image, again) > 0.8


def test_refuses_an_empty_or_misshapen_skeleton() -> None:
    with pytest.raises(EmptyDrawing):
        trace(np.zeros((28, 28), dtype=bool))
    with pytest.raises(InvalidInput, match="2-D"):
        trace(np.ones((1, 28, 28), dtype=bool))
