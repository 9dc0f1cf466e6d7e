"""The trajectory networks' training set and the weight of their vote."""

from pathlib import Path

import numpy as np

from app.engine.reader import combine
from app.engine.trajectory import FEATURES
from app.engine.trajectory_recipe import WEIGHTS, choose_weight, path_training_set
from app.engine.unipen import load_unipen, split_digits


def test_the_weight_is_the_one_that_reads_best_and_the_smallest_of_equals() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 200)
    images = rng.dirichlet(np.ones(10), 200).astype(np.float32)
    paths = np.full((200, 10), 0.01, dtype=np.float32)
    paths[np.arange(200), labels] = 0.91  # the paths know every answer
    best = choose_weight(images, paths, labels)

    def accuracy(w: float) -> float:
        return float((combine(images, paths, w).argmax(axis=1) == labels).mean())

    assert best in WEIGHTS and accuracy(best) == max(accuracy(w) for w in WEIGHTS)
    assert accuracy(best) > accuracy(0.0) and accuracy(best) > accuracy(
        WEIGHTS[WEIGHTS.index(best) - 1]
    )
    # Where the paths know nothing, they get no say.
    assert choose_weight(images, np.full((200, 10), 0.1, np.float32), labels) == 0.0


def test_the_training_set_is_the_training_writers_less_the_suspect_labels(
    unipen_dir: Path,
) -> None:
    unipen = load_unipen(unipen_dir)
    train = split_digits(unipen)["train"]
    X, y = path_training_set(unipen, copies=1, label_issues=train.ids[:5].tolist(), seed=0)
    assert X.shape == (len(train) - 5, FEATURES) and X.dtype == np.float32
    assert np.array_equal(y, train.labels[5:])


def test_chosen_writers_each_copy_placed_anew_and_reproducibly(unipen_dir: Path) -> None:
    unipen = load_unipen(unipen_dir)
    writers = sorted(set(unipen.writers.tolist()))[:3]
    X, y = path_training_set(unipen, copies=2, writers=writers, seed=0)
    mine = unipen.of_writers(writers)
    n = len(mine)
    assert X.shape == (2 * n, FEATURES) and np.array_equal(y, np.tile(mine.labels, 2))
    assert not np.array_equal(X[:n], X[n:])  # each copy placed and bent anew
    again, _ = path_training_set(unipen, copies=2, writers=writers, seed=0)
    np.testing.assert_array_equal(X, again)
