import itertools
import math

import numpy as np
import pytest

from app.engine.errors import ConfigError
from app.engine.optim import SGD, Adam, learning_rate


def test_sgd_momentum_matches_the_formula() -> None:
    w0 = np.array([1.0, -2.0])
    w = w0.copy()
    opt = SGD([w], momentum=0.5)
    g1, g2 = np.array([0.2, 0.4]), np.array([-0.1, 0.3])
    opt.step([g1], lr=0.1)
    v1 = -0.1 * g1
    np.testing.assert_allclose(w, w0 + v1)
    opt.step([g2], lr=0.2)
    v2 = 0.5 * v1 - 0.2 * g2
    np.testing.assert_allclose(w, w0 + v1 + v2)


def test_adam_matches_the_paper_algorithm() -> None:
    w = np.array([0.5, -1.5, 3.0])
    opt = Adam([w], beta1=0.9, beta2=0.999, epsilon=1e-8)
    ref = w.copy()
    m = np.zeros(3)
    v = np.zeros(3)
    for t, g in enumerate([np.array([0.1, -0.2, 0.3]), np.array([0.05, 0.4, -0.1])], start=1):
        opt.step([g], lr=0.01)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        ref -= 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
        np.testing.assert_allclose(w, ref, rtol=1e-6)


def test_adam_minimises_a_quadratic() -> None:
    w = np.array([3.0, -4.0])
    opt = Adam([w])
    for _ in range(2000):
        opt.step([2 * w], lr=0.05)
    np.testing.assert_allclose(w, 0, atol=1e-2)


def test_cosine_schedule_with_warmup() -> None:
    lrs = [learning_rate(s, 100, 1.0, schedule="cosine", warmup_steps=10) for s in range(100)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert lrs[10] == pytest.approx(1.0)
    assert lrs[55] == pytest.approx(0.5 * (1 + math.cos(math.pi * 45 / 90)))
    assert all(a >= b for a, b in itertools.pairwise(lrs[10:]))
    assert lrs[-1] < 0.001
    assert learning_rate(50, 100, 0.3, schedule="constant") == 0.3


def test_bad_options_are_refused() -> None:
    with pytest.raises(ConfigError, match="momentum"):
        SGD([np.zeros(1)], momentum=1.5)
    with pytest.raises(ConfigError, match="schedule"):
        learning_rate(0, 10, 0.1, schedule="linear")
    with pytest.raises(ConfigError, match="expected 1 gradients, got 2"):
        SGD([np.zeros(1)]).step([np.zeros(1), np.zeros(1)], lr=0.1)
