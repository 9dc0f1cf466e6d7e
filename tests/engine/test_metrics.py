import numpy as np
import pytest

from app.engine.metrics import confusion_matrix, evaluate
from app.engine.network import MLP


def test_confusion_matrix_counts_true_by_predicted() -> None:
    cm = confusion_matrix(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2]), n_classes=3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_evaluate_agrees_with_a_direct_count() -> None:
    rng = np.random.default_rng(0)
    net = MLP.initialise((20, 8, 10), "relu", rng)
    X = rng.random((300, 20), dtype=np.float32)
    predicted = net.predict_proba(X).argmax(1)
    y = np.where(rng.random(300) < 0.6, predicted, rng.integers(0, 10, 300))
    result = evaluate(net, X, y, batch=64)  # several batches
    assert result.n == 300
    assert result.accuracy == pytest.approx((predicted == y).mean())
    assert np.array(result.confusion_matrix).sum() == 300
    for c in range(10):
        mask = y == c
        expected = (predicted[mask] == c).mean() if mask.any() else 0.0
        assert result.per_class_accuracy[c] == pytest.approx(expected, abs=1e-6)
    assert set(result.to_dict()) == {
        "n",
        "accuracy",
        "loss",
        "per_class_accuracy",
        "confusion_matrix",
    }
