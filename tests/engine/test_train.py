import numpy as np
import pytest

from app.engine.errors import ConfigError
from app.engine.network import MLP
from app.engine.train import EpochStats, TrainConfig, train


def blobs(n: int, dim: int = 20, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Ten well-separated Gaussian clusters in [0, 1]^dim, one per class."""
    rng = np.random.default_rng(seed)
    centres = rng.random((10, dim))
    y = rng.integers(0, 10, n)
    X = np.clip(centres[y] + 0.05 * rng.standard_normal((n, dim)), 0, 1).astype(np.float32)
    return X, y


def config(**kw: object) -> TrainConfig:
    base: dict[str, object] = dict(
        arch=(20, 16, 10), epochs=8, batch_size=32, lr=0.01, augment=False, validation_size=100
    )
    return TrainConfig(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_learns_a_separable_task(optimizer: str, activation: str) -> None:
    X, y = blobs(600)
    lr = 0.01 if optimizer == "adam" else 0.5
    result = train(config(optimizer=optimizer, activation=activation, lr=lr, epochs=15), X, y)
    assert result.history[-1].val_accuracy is not None
    assert max(h.val_accuracy or 0 for h in result.history) > 0.95
    assert result.history[-1].loss < result.history[0].loss


def test_softmax_regression_trains_through_the_same_loop() -> None:
    X, y = blobs(600)
    result = train(config(arch=(20, 10), epochs=20, lr=0.05), X, y)
    assert result.network.sizes == (20, 10)
    assert max(h.val_accuracy or 0 for h in result.history) > 0.9


def test_same_seed_same_model_other_seed_other_model() -> None:
    X, y = blobs(300)
    a = train(config(epochs=2, dropout=0.2, weight_decay=1e-4), X, y).network
    b = train(config(epochs=2, dropout=0.2, weight_decay=1e-4), X, y).network
    c = train(config(epochs=2, dropout=0.2, weight_decay=1e-4, seed=1), X, y).network
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_keeps_the_best_epoch_and_stops_early() -> None:
    rng = np.random.default_rng(0)
    X = rng.random((400, 20), dtype=np.float32)
    y = rng.integers(0, 10, 400)  # random labels: validation accuracy cannot keep improving
    seen: list[EpochStats] = []
    result = train(config(epochs=40, patience=2, lr=0.05), X, y, on_epoch=seen.append)
    assert seen == result.history
    assert len(result.history) < 40
    best = result.history[result.best_epoch - 1]
    assert best.val_accuracy == max(h.val_accuracy or 0 for h in result.history)
    X_val_idx = np.random.default_rng(0).permutation(400)[-100:]  # the loop's own split
    accuracy = (result.network.predict_proba(X[X_val_idx]).argmax(1) == y[X_val_idx]).mean()
    assert accuracy == pytest.approx(best.val_accuracy)


def test_batches_are_reported() -> None:
    X, y = blobs(164)
    calls: list[tuple[int, int]] = []
    train(config(epochs=1, batch_size=32), X, y, on_batch=lambda b, n, _: calls.append((b, n)))
    assert calls == [(b, 2) for b in range(2)]  # 64 training images, 2 batches of 32


def test_starts_from_given_weights_without_changing_them() -> None:
    X, y = blobs(600)
    start = train(config(epochs=10), X, y).network
    before = [p.copy() for p in start.parameters()]
    tuned = train(config(epochs=1, lr=1e-4, seed=3), X, y, init=start)
    assert all(np.array_equal(p, q) for p, q in zip(before, start.parameters(), strict=True))
    assert tuned.history[0].val_accuracy is not None and tuned.history[0].val_accuracy > 0.9
    with pytest.raises(ConfigError, match="starting network"):
        train(config(arch=(20, 8, 10)), X, y, init=start)


def test_augmentation_runs_on_mnist_shaped_input() -> None:
    rng = np.random.default_rng(0)
    X = (rng.random((80, 784)) < 0.1).astype(np.float32)
    y = rng.integers(0, 10, 80)
    result = train(TrainConfig(arch=(784, 8, 10), epochs=1, validation_size=16), X, y)
    assert np.isfinite(result.history[0].loss)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"arch": (20,)}, "arch"),
        ({"activation": "tanh"}, "activation"),
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"lr": 0}, "lr > 0"),
        ({"dropout": 1.0}, "dropout"),
        ({"patience": 0}, "patience"),
    ],
)
def test_config_errors_name_the_option(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config(**options)


def test_data_that_does_not_fit_the_config_is_refused() -> None:
    X, y = blobs(50)
    with pytest.raises(ConfigError, match=r"expected images \(n, 784\)"):
        train(TrainConfig(), X, y)
    with pytest.raises(ConfigError, match="validation_size < 50"):
        train(config(validation_size=50), X, y)


def test_untrained_network_is_not_a_model_result() -> None:
    X, y = blobs(300)
    fresh = MLP.initialise((20, 16, 10), "relu", np.random.default_rng(0))
    trained = train(config(), X, y).network
    assert not np.array_equal(fresh.weights[0], trained.weights[0])
