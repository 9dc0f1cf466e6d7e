"""The second opinion of a contributor's own drawings, recomputed by hand."""

import numpy as np
import pytest

from app.engine.errors import InvalidInput
from app.engine.personal import FULL, NEUTRAL, Personal, blend, opinion


def unit(rows: list[list[float]]) -> np.ndarray:
    a = np.array(rows, dtype=np.float32)
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def test_samples_are_grouped_by_digit() -> None:
    p = Personal.of(unit([[1, 0], [0, 1], [1, 1]]), [7, 2, 7])
    assert p.digits.tolist() == [2, 7] and p.starts.tolist() == [0, 1] and len(p) == 3
    with pytest.raises(InvalidInput, match=r"expected labels in 0\.\.9"):
        Personal.of(unit([[1, 0]]), [10])
    with pytest.raises(InvalidInput, match="n >= 1"):
        Personal.of(np.empty((0, 2)), [])


def test_the_opinion_follows_the_closest_drawing_of_each_digit() -> None:
    samples = unit([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0]])  # two 4s, one 9
    p = Personal.of(samples, [4, 4, 9])
    query = unit([[1, 0.05, 0]])
    log_q = opinion(query, p, sharpness=10)[0]
    s4 = float((query @ samples[:2].T).max())
    s9 = float((query @ samples[2:].T).max())
    expected = np.zeros(10)  # digits not drawn: no opinion
    # Two drawings of 4 and one of 9 weigh 2/FULL and 1/FULL of a full witness.
    expected[4] = 10 * min(1, 2 / FULL) * (s4 - NEUTRAL)
    expected[9] = 10 * min(1, 1 / FULL) * (s9 - NEUTRAL)
    np.testing.assert_allclose(log_q, expected, rtol=1e-5)
    assert log_q[4] > 0 > log_q[9]  # like their 4s, unlike their 9


def test_blend_is_the_product_of_the_two_opinions() -> None:
    p = Personal.of(unit([[1, 0], [0, 1]]), [3, 8])
    query = unit([[1, 0.2]])
    network = np.full((1, 10), 0.05, dtype=np.float32)
    network[0, 8] = 0.55
    blended, weights = blend(network, query, p, sharpness=40)
    log_q = opinion(query, p, sharpness=40)
    expected = network * np.exp(log_q)
    expected /= expected.sum()
    np.testing.assert_allclose(blended, expected, rtol=1e-5)
    assert blended[0].argmax() == 3  # the person's 3 outweighs the network's 8
    assert weights[0].samples == 2
    assert weights[0].weight == pytest.approx(0.5 * np.abs(expected - network).sum(), abs=1e-4)


def test_drawings_that_both_came_as_strokes_are_compared_by_image_and_path() -> None:
    # Two image columns, then two path columns; the 9 was saved without strokes.
    saved = np.hstack([unit([[1, 0], [0.8, 0.6]]), np.vstack([unit([[0, 1]]), [[0, 0]]])])
    p = Personal.of(saved, [4, 9], split=2)
    assert p.split == 2 and p.drawn.tolist() == [True, False]
    image, path = unit([[0.6, 0.8]]), unit([[0.6, 0.8]])
    drawn = np.hstack([image, path])
    log_q = opinion(drawn, p, sharpness=10)[0]
    s4 = float((image @ saved[0, :2] + path @ saved[0, 2:])[0]) / 2  # mean of both parts
    s9 = float((image @ saved[1, :2])[0])  # no path to compare with: the image's alone
    assert log_q[4] == pytest.approx(10 / FULL * (s4 - NEUTRAL), rel=1e-5)
    assert log_q[9] == pytest.approx(10 / FULL * (s9 - NEUTRAL), rel=1e-5)
    # A query without a path (an uploaded image) is compared by the image alone.
    pictured = np.hstack([image, np.zeros((1, 2), np.float32)])
    s4_image = float((image @ saved[0, :2])[0])
    assert opinion(pictured, p, sharpness=10)[0, 4] == pytest.approx(
        10 / FULL * (s4_image - NEUTRAL), rel=1e-5
    )
