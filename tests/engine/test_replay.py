"""Pen strokes placed on the page's canvas and read as the page reads them."""

import numpy as np

from app.engine.preprocess import strokes_to_pixels
from app.engine.replay import CANVAS, Distortion, bent_paths, place_on_canvas, replay
from app.engine.trajectory import FEATURES, trajectory_features
from app.engine.unipen import PenDigits

# A "7" in tablet units (a bar, then a stem), and a "1" far smaller, in other units.
SEVEN = (np.array([[1000.0, 500.0], [3000.0, 500.0], [1800.0, 4500.0]]),)
ONE = (np.array([[5.0, 2.0], [7.0, 0.0]]), np.array([[7.0, 0.0], [7.0, 20.0]]))


def digits() -> PenDigits:
    return PenDigits(
        labels=np.array([7, 1]),
        writers=np.array(["s/a", "s/b"]),
        sites=np.array(["s", "s"]),
        checked=np.array([True, False]),
        strokes=(SEVEN, ONE),
        ids=np.array([0, 1]),
    )


def test_a_placed_drawing_fits_the_canvas_at_a_size_people_draw() -> None:
    rng = np.random.default_rng(0)
    for strokes in (SEVEN, ONE):
        for _ in range(50):
            placed = place_on_canvas(strokes, rng)
            points = np.concatenate(placed)
            assert [len(s) for s in placed] == [len(s) for s in strokes]
            assert points.min() >= 0 and points.max() <= CANVAS
            assert np.allclose(points, np.round(points, 1))
            longer = float((points.max(axis=0) - points.min(axis=0)).max())
            assert 0.25 * CANVAS - 0.2 <= longer <= 0.85 * CANVAS + 0.2


def test_placing_keeps_the_shape_and_distorting_changes_it() -> None:
    rng = np.random.default_rng(1)
    plain = np.concatenate(place_on_canvas(SEVEN, rng))
    # Without distortion the drawing is only scaled and moved: the aspect ratio stays.
    span = plain.max(axis=0) - plain.min(axis=0)
    assert abs(span[0] / span[1] - 0.5) < 0.01
    bent = [np.concatenate(place_on_canvas(SEVEN, rng, distort=Distortion())) for _ in range(20)]
    ratios = [(b.max(axis=0) - b.min(axis=0)) for b in bent]
    assert np.std([r[0] / r[1] for r in ratios]) > 0.02


def test_replay_reads_each_digit_as_the_page_would() -> None:
    out = replay(digits(), np.random.default_rng(2), copies=3)
    images = out.images
    assert images.shape == (6, 784) and images.dtype == np.float32
    assert out.labels.tolist() == [7, 1] * 3
    assert images.min() >= 0 and images.max() <= 1
    assert out.paths.shape == (6, FEATURES)
    rng = np.random.default_rng(2)
    placed = place_on_canvas(SEVEN, rng)
    assert np.array_equal(images[0].reshape(28, 28), strokes_to_pixels(placed, CANVAS, CANVAS))
    assert np.array_equal(out.paths[0], trajectory_features(placed))


def test_replay_is_reproducible_from_its_generator() -> None:
    a = replay(digits(), np.random.default_rng(3), distort=Distortion())
    b = replay(digits(), np.random.default_rng(3), distort=Distortion())
    assert np.array_equal(a.images, b.images) and np.array_equal(a.paths, b.paths)


def test_bent_paths_give_each_copy_new_handwriting() -> None:
    drawing = [np.array(stroke) for stroke in SEVEN]
    paths = bent_paths([drawing, drawing], np.random.default_rng(4), copies=3)
    assert paths.shape == (6, FEATURES) and paths.dtype == np.float32
    assert not np.array_equal(paths[0], paths[2])
    np.testing.assert_array_equal(
        paths, bent_paths([drawing, drawing], np.random.default_rng(4), copies=3)
    )
