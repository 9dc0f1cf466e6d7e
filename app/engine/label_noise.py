"""Finding wrong labels: out-of-sample probabilities that confidently disagree.

Confident learning (Northcutt, Jiang and Chuang, "Confident Learning: Estimating
Uncertainty in Dataset Labels", JAIR 2021), in its simplest form:

1. every example gets probabilities from a model that did not train on it
   (`cross_validated_probabilities`: k folds of whole groups, here writers);
2. class j's threshold t_j is the mean probability of j over the examples labelled j,
   the model's typical confidence in that class (`class_thresholds`);
3. an example labelled i is a suspected error when some other class j reaches its
   threshold, p_j >= t_j, and is the likeliest such class: it lands off the diagonal of
   the "confident joint" (`confident_disagreements`).

Only the formulas are here; training is passed in as a function, so any model fits.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.errors import ConfigError

Probabilities = npt.NDArray[np.float32]  # (n, 10) rows summing to 1
# fit(train_index, predict_index) -> probabilities (len(predict_index), 10)
FitPredict = Callable[[npt.NDArray[np.intp], npt.NDArray[np.intp]], Probabilities]


@dataclass(frozen=True, eq=False)
class Suspects:
    """Examples whose label the out-of-sample model confidently disputes."""

    index: npt.NDArray[np.intp]  # (m,) positions in the examples, most confident first
    given: npt.NDArray[np.int64]  # (m,) their labels
    likely: npt.NDArray[np.int64]  # (m,) the class the model confidently sees instead
    confidence: npt.NDArray[np.float32]  # (m,) the model's probability of ``likely``


def writer_folds(
    groups: npt.NDArray[np.str_], k: int, rng: np.random.Generator
) -> list[npt.NDArray[np.intp]]:
    """``k`` folds of example positions, each group (writer) wholly in one fold.

    Groups are shuffled by ``rng`` and dealt to the folds in turn. Returns k index arrays
    that are disjoint and together hold every position 0..n-1.
    """
    names = np.unique(groups)
    if not 2 <= k <= len(names):
        raise ConfigError(f"expected 2 <= folds <= {len(names)} groups, got {k}")
    fold_of = dict(zip(rng.permutation(names).tolist(), np.arange(len(names)) % k, strict=True))
    assigned = np.array([fold_of[g] for g in groups.tolist()])
    return [np.flatnonzero(assigned == f) for f in range(k)]


def cross_validated_probabilities(
    n: int, folds: list[npt.NDArray[np.intp]], fit_predict: FitPredict
) -> Probabilities:
    """(n, 10) probabilities, each row from a model trained without its example's fold."""
    out = np.full((n, 10), np.nan, dtype=np.float32)
    everyone = np.arange(n)
    for fold in folds:
        out[fold] = fit_predict(np.setdiff1d(everyone, fold), fold)
    if np.isnan(out).any():
        raise ConfigError("expected folds that cover every example, got some left out")
    return out


def class_thresholds(
    probabilities: Probabilities, labels: npt.NDArray[np.integer]
) -> npt.NDArray[np.float64]:
    """(10,) t_j: the mean probability of class j over the examples labelled j (1 where
    no example has label j, so that such a class never claims an example)."""
    t = np.ones(10)
    for j in range(10):
        if (labels == j).any():
            t[j] = float(probabilities[labels == j, j].mean())
    return t


def confident_disagreements(
    probabilities: Probabilities, labels: npt.NDArray[np.integer]
) -> Suspects:
    """The examples off the confident joint's diagonal, most confident first.

    ``probabilities`` (n, 10) out of sample; ``labels`` (n,) in 0..9.
    """
    if probabilities.shape != (len(labels), 10):
        raise ConfigError(f"expected probabilities ({len(labels)}, 10), got {probabilities.shape}")
    above = probabilities >= class_thresholds(probabilities, labels)
    claimed = np.where(above, probabilities, -1.0).argmax(axis=1)
    suspect = above.any(axis=1) & (claimed != labels)
    index = np.flatnonzero(suspect)
    confidence = probabilities[index, claimed[index]]
    order = np.argsort(-confidence, kind="stable")
    return Suspects(
        index=index[order],
        given=np.asarray(labels[index[order]], dtype=np.int64),
        likely=claimed[index[order]].astype(np.int64),
        confidence=confidence[order].astype(np.float32),
    )
