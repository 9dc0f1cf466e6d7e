"""The pen's trajectory: points taken evenly along the path, whatever the tablet."""

import numpy as np
import pytest

from app.engine.trajectory import FEATURES, PER_POINT, POINTS, trajectories, trajectory_features

# A "7": a bar left to right, then the stem down to the left; and a "+" in two strokes.
SEVEN = [np.array([[0.0, 0.0], [100.0, 0.0], [40.0, 150.0]])]
PLUS = [np.array([[0.0, 50.0], [100.0, 50.0]]), np.array([[50.0, 0.0], [50.0, 100.0]])]


def points(features: np.ndarray) -> np.ndarray:
    return features.reshape(POINTS, PER_POINT)


def test_features_have_the_documented_shape_and_ranges() -> None:
    f = trajectory_features(SEVEN)
    assert f.shape == (FEATURES,) and f.dtype == np.float32
    p = points(f)
    assert np.abs(p[:, :2]).max() <= 0.5 + 1e-6
    assert np.allclose(np.linalg.norm(p[:, 2:4], axis=1), 1, atol=1e-5)
    assert set(np.unique(p[:, 4]).tolist()) == {0.0}  # one stroke: the pen never lifts


def test_moving_scaling_and_resampling_a_drawing_changes_nothing() -> None:
    f = trajectory_features(SEVEN)
    moved = [s * 0.37 + np.array([211.0, 5.5]) for s in SEVEN]
    np.testing.assert_allclose(trajectory_features(moved), f, atol=1e-5)
    # The same path recorded with ten times as many points (a faster tablet).
    t = np.linspace(0, 1, 21)[:, None]
    bar = SEVEN[0][0] + t * (SEVEN[0][1] - SEVEN[0][0])
    stem = SEVEN[0][1] + t * (SEVEN[0][2] - SEVEN[0][1])
    dense = [np.concatenate([bar, stem[1:]])]
    np.testing.assert_allclose(trajectory_features(dense), f, atol=1e-5)


def test_the_pen_moves_in_writing_order_and_its_lifts_are_marked() -> None:
    p = points(trajectory_features(SEVEN))
    assert p[0, 2] == pytest.approx(1) and p[0, 3] == pytest.approx(0)  # the bar: rightwards
    assert p[-1, 3] > 0.9  # the stem: downwards (y down)
    plus = points(trajectory_features(PLUS))
    up = plus[:, 4] == 1
    assert up.any() and not up[0] and not up[-1]  # lifted only between the strokes
    assert np.array_equal(points(trajectory_features(PLUS[::-1]))[:, 4] == 1, up)
    # Written in the other order, the same ink is a different trajectory.
    assert not np.allclose(trajectory_features(PLUS[::-1]), trajectory_features(PLUS))


def test_a_dot_and_a_drawing_of_one_point_are_read_without_dividing_by_zero() -> None:
    one = points(trajectory_features([np.array([[5.0, 5.0]])]))
    assert np.isfinite(one).all() and not one.any()  # centred, still, pen down
    dotted = trajectory_features([SEVEN[0], np.array([[50.0, 200.0]])])
    assert np.isfinite(dotted).all() and points(dotted)[:, 4].any()


def test_trajectories_stack_one_row_per_drawing() -> None:
    rows = trajectories([SEVEN, PLUS])
    assert rows.shape == (2, FEATURES)
    np.testing.assert_array_equal(rows[1], trajectory_features(PLUS))


def test_empty_strokes_are_skipped() -> None:
    empty = np.zeros((0, 2))
    np.testing.assert_array_equal(
        trajectory_features([empty, PLUS[0], empty, PLUS[1], empty]), trajectory_features(PLUS)
    )
