import numpy as np
import pytest

from app.engine.errors import ConfigError, InvalidInput
from app.engine.network import MLP


def small_network(activation: str, sizes: tuple[int, ...] = (6, 5, 4, 3)) -> MLP:
    """A float64 network (float32 is too coarse for central differences)."""
    net = MLP.initialise(sizes, activation, np.random.default_rng(1))
    return MLP(
        [W.astype(np.float64) for W in net.weights],
        [b.astype(np.float64) + 0.1 for b in net.biases],
        activation,
    )


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_gradients_match_central_differences(
    activation: str, weight_decay: float, dropout: float
) -> None:
    rng = np.random.default_rng(0)
    net = small_network(activation)
    X = rng.random((7, 6))
    y = rng.integers(0, 3, size=7)

    def loss() -> float:
        # The same seed each time, so dropout draws the same masks.
        return net.gradients(
            X, y, weight_decay=weight_decay, dropout=dropout, rng=np.random.default_rng(5)
        ).loss

    analytic = net.gradients(
        X, y, weight_decay=weight_decay, dropout=dropout, rng=np.random.default_rng(5)
    )
    h = 1e-6
    for param, grad in zip(net.parameters(), analytic.parameters(), strict=True):
        numeric = np.zeros_like(param)
        for i in np.ndindex(param.shape):
            saved = param[i]
            param[i] = saved + h
            up = loss()
            param[i] = saved - h
            down = loss()
            param[i] = saved
            numeric[i] = (up - down) / (2 * h)
        np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-7)


def test_softmax_regression_is_the_same_interface() -> None:
    net = MLP.initialise((784, 10), "relu", np.random.default_rng(0))
    assert net.sizes == (784, 10)
    assert net.n_parameters == 7850
    X = np.random.default_rng(1).random((4, 784), dtype=np.float32)
    p = net.predict_proba(X)
    logits = X @ net.weights[0] + net.biases[0]
    expected = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(p, expected / expected.sum(1, keepdims=True), rtol=1e-5)
    assert net.hidden_activations(X) == []


def test_default_network_shapes_and_dtype() -> None:
    net = MLP.initialise((784, 128, 64, 10), "relu", np.random.default_rng(0))
    assert net.n_parameters == 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
    assert all(p.dtype == np.float32 for p in net.parameters())
    p = net.predict_proba(np.zeros((3, 784), dtype=np.float32))
    assert p.shape == (3, 10) and p.dtype == np.float32
    assert [h.shape for h in net.hidden_activations(np.zeros((2, 784)))] == [(2, 128), (2, 64)]
    assert "784-128-64-10" in repr(net)


def test_same_seed_same_weights() -> None:
    a = MLP.initialise((10, 4, 3), "sigmoid", np.random.default_rng(7))
    b = MLP.initialise((10, 4, 3), "sigmoid", np.random.default_rng(7))
    c = MLP.initialise((10, 4, 3), "sigmoid", np.random.default_rng(8))
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_errors_say_what_was_expected() -> None:
    net = MLP.initialise((4, 3, 2), "relu", np.random.default_rng(0))
    with pytest.raises(InvalidInput, match=r"expected input of shape \(n, 4\), got \(2, 5\)"):
        net.predict_proba(np.zeros((2, 5)))
    with pytest.raises(ConfigError, match="expected activation"):
        MLP.initialise((4, 2), "tanh", np.random.default_rng(0))
    with pytest.raises(ConfigError, match="at least two layer sizes"):
        MLP.initialise((4,), "relu", np.random.default_rng(0))
    with pytest.raises(ConfigError, match="layer 1: expected 3 inputs, got 5"):
        MLP([np.zeros((4, 3)), np.zeros((5, 2))], [np.zeros(3), np.zeros(2)], "relu")
    with pytest.raises(ConfigError, match="needs a random generator"):
        net.gradients(np.zeros((1, 4)), np.array([0]), dropout=0.5)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_input_gradients_match_central_differences(activation: str) -> None:
    net = small_network(activation)
    X = np.random.default_rng(2).random((3, 6))
    classes = np.array([0, 2, 1])
    analytic = net.input_gradients(X, classes)
    h = 1e-6
    numeric = np.zeros_like(X)
    for i, j in np.ndindex(X.shape):
        up, down = X.copy(), X.copy()
        up[i, j] += h
        down[i, j] -= h
        numeric[i, j] = (net.logits(up)[i, classes[i]] - net.logits(down)[i, classes[i]]) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-7)
