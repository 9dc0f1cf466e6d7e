import numpy as np
import pytest

from app.engine.activations import ACTIVATIONS, DERIVATIVES, cross_entropy, softmax


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_central_difference(name: str) -> None:
    z = np.linspace(-4, 4, 41) + 0.013  # avoid relu's kink at exactly 0
    h = 1e-6
    numeric = (ACTIVATIONS[name](z + h) - ACTIVATIONS[name](z - h)) / (2 * h)
    analytic = DERIVATIVES[name](ACTIVATIONS[name](z.copy()))
    np.testing.assert_allclose(analytic, numeric, atol=1e-6)


def test_sigmoid_values_and_no_overflow() -> None:
    z = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])
    np.testing.assert_allclose(
        ACTIVATIONS["sigmoid"](z.copy()), 1 / (1 + np.exp(-np.clip(z, -700, 700))), atol=1e-12
    )


def test_softmax_rows_sum_to_one_even_for_huge_logits() -> None:
    logits = np.array([[1000.0, 1000.0, -1000.0], [1.0, 2.0, 3.0]], dtype=np.float32)
    p = softmax(logits.copy())
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(p[0], [0.5, 0.5, 0], atol=1e-6)
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(p[1], e / e.sum(), rtol=1e-5)


def test_cross_entropy_is_mean_negative_log_likelihood() -> None:
    p = np.array([[0.25, 0.75], [0.5, 0.5]])
    assert cross_entropy(p, np.array([1, 0])) == pytest.approx(-(np.log(0.75) + np.log(0.5)) / 2)
    assert np.isfinite(cross_entropy(np.array([[1.0, 0.0]]), np.array([1])))
