"""Networks read together in one pass answer as the mean of each read alone."""

import numpy as np
import pytest

from app.engine.ensemble import Ensemble
from app.engine.errors import InvalidInput, ModelFileError
from app.engine.network import MLP


@pytest.mark.parametrize(("count", "activation"), [(1, "relu"), (3, "relu"), (2, "sigmoid")])
def test_the_stacked_networks_answer_the_mean_of_each(count: int, activation: str) -> None:
    rng = np.random.default_rng(count)
    networks = [MLP.initialise((12, 7, 5, 10), activation, rng) for _ in range(count)]
    X = rng.random((4, 12), dtype=np.float32)
    p = Ensemble(networks).predict_proba(X)
    expected = sum(n.predict_proba(X) for n in networks) / count
    assert p.shape == (4, 10) and p.dtype == np.float32
    np.testing.assert_allclose(p, expected, rtol=1e-5, atol=1e-7)


def test_networks_of_different_shapes_and_wrong_inputs_are_refused() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ModelFileError, match="expected networks all"):
        Ensemble([MLP.initialise((4, 3, 10), "relu", rng), MLP.initialise((4, 2, 10), "relu", rng)])
    with pytest.raises(ModelFileError, match="at least one"):
        Ensemble([])
    with pytest.raises(InvalidInput, match=r"expected input of shape \(n, 4\)"):
        Ensemble([MLP.initialise((4, 3, 10), "relu", rng)]).predict_proba(np.zeros((1, 5)))


@pytest.mark.parametrize("sizes", [(12, 7, 5, 10), (12, 10)])
def test_the_same_pass_gives_the_first_networks_last_hidden_layer(sizes: tuple[int, ...]) -> None:
    rng = np.random.default_rng(9)
    networks = [MLP.initialise(sizes, "relu", rng) for _ in range(3)]
    X = rng.random((4, 12), dtype=np.float32)
    p, hidden = Ensemble(networks).read(X)
    np.testing.assert_array_equal(p, Ensemble(networks).predict_proba(X))
    expected = networks[0].hidden_activations(X)[-1] if len(sizes) > 2 else X
    assert hidden.shape == (4, sizes[-2]) and hidden.dtype == np.float32
    np.testing.assert_allclose(hidden, expected, rtol=1e-5, atol=1e-7)
