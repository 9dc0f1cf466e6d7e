import numpy as np

from app.engine.explain import explain
from app.engine.network import MLP


def network() -> MLP:
    return MLP.initialise((784, 12, 6, 10), "relu", np.random.default_rng(0))


def test_saliency_is_the_scaled_gradient_of_the_predicted_logit() -> None:
    net = network()
    image = np.random.default_rng(1).random((28, 28), dtype=np.float32)
    result = explain(net, image)
    assert result.digit == int(net.predict_proba(image.reshape(1, -1)).argmax())
    gradient = net.input_gradients(image.reshape(1, -1), np.array([result.digit]))[0]
    np.testing.assert_allclose(
        result.saliency.ravel(), gradient / np.abs(gradient).max(), rtol=1e-5
    )
    assert result.saliency.shape == (28, 28) and np.abs(result.saliency).max() == 1


def test_top_units_are_the_most_active_strongest_first() -> None:
    net = network()
    image = np.random.default_rng(2).random((28, 28), dtype=np.float32)
    result = explain(net, image, top_k=4)
    hidden = net.hidden_activations(image.reshape(1, -1))
    assert [len(layer) for layer in result.layers] == [4, 4]
    for l, layer in enumerate(result.layers):
        expected = sorted(hidden[l][0], reverse=True)[:4]
        np.testing.assert_allclose([u.activation for u in layer], expected, rtol=1e-6)
    first = result.layers[0][0]
    assert first.weights is not None and first.weights.shape == (28, 28)
    column = net.weights[0][:, first.unit]
    np.testing.assert_allclose(first.weights.ravel(), column / np.abs(column).max(), rtol=1e-6)
    assert all(u.weights is None for u in result.layers[1])
