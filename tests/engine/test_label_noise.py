"""Confident learning's formulas, on probabilities we control."""

import numpy as np
import numpy.typing as npt
import pytest

from app.engine.errors import ConfigError
from app.engine.label_noise import (
    class_thresholds,
    confident_disagreements,
    cross_validated_probabilities,
    writer_folds,
)


def noisy_set(
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """500 examples whose model mostly agrees with the truth, 20 of them mislabelled."""
    truth = rng.integers(0, 10, 500)
    logits = rng.normal(0, 1, (500, 10))
    logits[np.arange(500), truth] += 9
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = truth.copy()
    flipped = rng.choice(500, 20, replace=False)
    labels[flipped] = (truth[flipped] + rng.integers(1, 10, 20)) % 10
    return p.astype(np.float32), labels, flipped


def test_thresholds_are_the_mean_confidence_in_each_labelled_class() -> None:
    p = np.array([[0.9, 0.1] + [0] * 8, [0.7, 0.3] + [0] * 8, [0.2, 0.8] + [0] * 8], np.float32)
    t = class_thresholds(p, np.array([0, 0, 1]))
    assert t[0] == pytest.approx(0.8) and t[1] == pytest.approx(0.8)
    assert (t[2:] == 1).all()  # no example labelled 2..9: those classes claim nothing


def test_flipped_labels_are_found_and_clean_ones_kept() -> None:
    p, labels, flipped = noisy_set(np.random.default_rng(0))
    suspects = confident_disagreements(p, labels)
    found = set(suspects.index.tolist())
    assert len(found & set(flipped.tolist())) >= 18
    assert len(found - set(flipped.tolist())) <= 5
    assert (suspects.likely != suspects.given).all()
    assert (np.diff(suspects.confidence) <= 0).all()


def test_folds_keep_each_writer_whole() -> None:
    groups = np.array([f"w{i % 13}" for i in range(200)])
    folds = writer_folds(groups, 4, np.random.default_rng(0))
    assert sorted(np.concatenate(folds).tolist()) == list(range(200))
    for fold in folds:
        others = np.setdiff1d(np.arange(200), fold)
        assert not set(groups[fold].tolist()) & set(groups[others].tolist())
    with pytest.raises(ConfigError, match="expected 2 <= folds <= 13"):
        writer_folds(groups, 14, np.random.default_rng(0))


def test_each_example_is_predicted_by_a_model_that_never_saw_it() -> None:
    folds = writer_folds(np.array(list("aabbccdd")), 2, np.random.default_rng(1))
    seen: list[tuple[set[int], set[int]]] = []

    def fit_predict(
        train: npt.NDArray[np.intp], predict: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.float32]:
        seen.append((set(train.tolist()), set(predict.tolist())))
        return np.full((len(predict), 10), 0.1, np.float32)

    p = cross_validated_probabilities(8, folds, fit_predict)
    assert p.shape == (8, 10) and len(seen) == 2
    assert all(not train & predict and train | predict == set(range(8)) for train, predict in seen)
