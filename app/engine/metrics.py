"""Classification metrics: accuracy, per-class accuracy, confusion matrix, loss."""

from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from app.engine.activations import cross_entropy

N_CLASSES = 10


class Classifier(Protocol):
    """Anything that gives (n, 10) probabilities for images (n, 784): a network, a reader."""

    def predict_proba(self, X: NDArray[np.floating]) -> NDArray[np.floating]: ...


def confusion_matrix(
    y_true: NDArray[np.integer], y_pred: NDArray[np.integer], n_classes: int = N_CLASSES
) -> NDArray[np.int64]:
    """Counts (n_classes, n_classes): row = true class, column = predicted class."""
    flat = y_true.astype(np.int64) * n_classes + y_pred.astype(np.int64)
    return np.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


@dataclass(frozen=True)
class Evaluation:
    """How a model did on a labelled set."""

    n: int
    accuracy: float
    loss: float  # mean cross-entropy
    per_class_accuracy: list[float]  # recall of each class 0..9 (NaN-free: 0 if absent)
    confusion_matrix: list[list[int]]  # [true][predicted]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)


def evaluate(
    network: Classifier,
    images: NDArray[np.floating],
    labels: NDArray[np.integer],
    batch: int = 10_000,
) -> Evaluation:
    """Evaluate ``network`` (or a reader) on images (n, 784) float in [0, 1] with labels
    (n,) in 0..9."""
    probabilities = np.concatenate(
        [network.predict_proba(images[i : i + batch]) for i in range(0, len(images), batch)]
    )
    return evaluate_probabilities(probabilities, labels)


def evaluate_probabilities(
    probabilities: NDArray[np.floating], labels: NDArray[np.integer]
) -> Evaluation:
    """How well probabilities (n, 10) read labels (n,) in 0..9."""
    predicted = probabilities.argmax(axis=1)
    cm = confusion_matrix(labels, predicted)
    totals = cm.sum(axis=1)
    per_class = np.divide(np.diag(cm), totals, out=np.zeros(N_CLASSES), where=totals > 0)
    return Evaluation(
        n=len(labels),
        accuracy=float((predicted == labels).mean()),
        loss=cross_entropy(probabilities, labels),
        per_class_accuracy=[round(float(a), 6) for a in per_class],
        confusion_matrix=cm.tolist(),
    )
