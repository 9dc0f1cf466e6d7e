import numpy as np
import pytest

from app.engine.errors import ConfigError
from app.engine.finetune import decide, finetune_config, mix, split_by_contributor
from app.engine.network import MLP


def test_no_contributor_is_on_both_sides() -> None:
    contributors = [f"c{i % 7}" for i in range(70)] + [None, None, None]
    train, test = split_by_contributor(contributors, 0.3, np.random.default_rng(0))
    assert sorted([*train, *test]) == list(range(73))
    train_people = {contributors[i] for i in train if contributors[i] is not None}
    test_people = {contributors[i] for i in test if contributors[i] is not None}
    assert train_people and test_people and not train_people & test_people
    again = split_by_contributor(contributors, 0.3, np.random.default_rng(0))
    assert np.array_equal(again[1], test)


def test_one_contributor_cannot_be_split() -> None:
    train, test = split_by_contributor(["only"] * 5, 0.5, np.random.default_rng(0))
    assert len(train) == 5 and len(test) == 0
    with pytest.raises(ConfigError, match="holdout"):
        split_by_contributor(["a", "b"], 1.0, np.random.default_rng(0))


def test_mix_oversamples_contributions_to_the_share() -> None:
    rng = np.random.default_rng(0)
    mnist = np.zeros((1000, 784), np.float32)
    mnist_y = np.zeros(1000, np.int64)
    drawn = np.ones((7, 784), np.float32)
    drawn_y = np.arange(7)
    X, y = mix(mnist, mnist_y, drawn, drawn_y, share=0.25, mnist_count=600, rng=rng)
    is_drawn = X[:, 0] == 1
    assert len(X) == 800 and is_drawn.sum() == 200
    counts = np.bincount(y[is_drawn], minlength=7)
    assert counts.min() >= 28 and counts.max() <= 29  # every drawing repeated evenly
    with pytest.raises(ConfigError, match="none"):
        mix(mnist, mnist_y, drawn[:0], drawn_y[:0], share=0.25, mnist_count=10, rng=rng)


def test_preset_keeps_the_networks_shape() -> None:
    net = MLP.initialise((784, 32, 10), "sigmoid", np.random.default_rng(0))
    config = finetune_config(net, epochs=2, seed=3)
    assert config.arch == (784, 32, 10) and config.activation == "sigmoid"
    assert config.validation_size == 0 and config.warmup_epochs == 0 and config.lr < 2e-3


@pytest.mark.parametrize(
    ("before", "after", "force", "activate", "reason"),
    [
        ((0.990, 0.80), (0.989, 0.90), False, True, "within bound"),
        ((0.990, 0.80), (0.986, 0.95), False, False, "MNIST test accuracy fell"),
        ((0.990, 0.80), (0.991, 0.80), False, True, "within bound"),  # a tie
        ((0.990, 0.80), (0.991, 0.79), False, False, "worse on held-out"),
        ((0.990, None), (0.991, None), False, False, "no held-out"),
        ((0.990, 0.80), (0.900, 0.10), True, True, "forced"),
    ],
)
def test_decide(
    before: tuple[float, float | None],
    after: tuple[float, float | None],
    force: bool,
    activate: bool,
    reason: str,
) -> None:
    decision = decide(
        {"mnist_test": before[0], "contrib_test": before[1]},
        {"mnist_test": after[0], "contrib_test": after[1]},
        force=force,
    )
    assert decision.activate is activate and reason in decision.reason
