"""What a network does on a labelled test set, kept small enough to live in its model card.

`evaluate` (metrics.py) gives the numbers. This module keeps the pictures behind them,
for anyone who looks at a version later without the test images at hand (the server has
no MNIST files):

- mistakes: the misread images themselves, at most ``per_cell`` for each cell of the
  confusion matrix (the most confident mistakes first), with the network's probabilities;
- average inputs: for each digit, the mean test image among those the network reads as
  that digit, i.e. what the output unit of that digit answers to on average.

Images travel as 784 uint8 values per picture (row-major 28x28, 0 = background), the
pictures of one set packed together, zlib-compressed and base64-encoded (`pack` /
`unpack`), so a card of a hundred mistakes grows by about 30 kB.
"""

import base64
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.engine.errors import ModelFileError
from app.engine.metrics import N_CLASSES, Classifier

PIXELS = 784
Pixels = NDArray[np.uint8]  # (k, 784), 0..255


def pack(pixels: Pixels) -> str:
    """(k, 784) uint8 pictures -> one base64 string of their zlib-compressed bytes."""
    return base64.b64encode(zlib.compress(np.ascontiguousarray(pixels).tobytes(), 9)).decode()


def unpack(text: str, count: int) -> Pixels:
    """The (count, 784) uint8 pictures `pack` wrote; ModelFileError if they do not fit."""
    try:
        raw = zlib.decompress(base64.b64decode(text, validate=True))
    except (ValueError, zlib.error) as e:
        raise ModelFileError(f"expected packed pictures (base64 of zlib), got {e}") from None
    if len(raw) != count * PIXELS:
        raise ModelFileError(f"expected {count} pictures of {PIXELS} bytes, got {len(raw)} bytes")
    return np.frombuffer(raw, dtype=np.uint8).reshape(count, PIXELS)


def to_pixels(images: NDArray[np.floating]) -> Pixels:
    """Images (k, 784) in [0, 1] -> (k, 784) uint8 in 0..255."""
    pixels: Pixels = np.rint(np.clip(images, 0, 1) * 255).astype(np.uint8)
    return pixels


def insights_on(
    network: Classifier,
    images: NDArray[np.floating],
    labels: NDArray[np.integer],
    *,
    per_cell: int = 12,
    batch: int = 10_000,
) -> dict[str, Any]:
    """The mistakes and average inputs of ``network`` on images (n, 784) in [0, 1] with
    labels (n,) in 0..9, as JSON-ready data:

    ``{"n": n, "mistakes": {"count": k, "index": [...], "true": [...], "predicted": [...],
    "probabilities": [[10 floats], ...], "pixels": packed (k, 784)},
    "average_inputs": {"count": [10 ints], "pixels": packed (10, 784)}}``

    Mistakes are sorted by cell (true, then predicted digit), and within a cell by the
    network's confidence in its wrong answer, highest first. A digit the network never
    answers has an all-zero average input and a count of 0.
    """
    probabilities = np.concatenate(
        [network.predict_proba(images[i : i + batch]) for i in range(0, len(images), batch)]
    )
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    # Within a cell, the most confident mistakes first; keep per_cell of each cell.
    order = np.lexsort((-probabilities[wrong, predicted[wrong]], predicted[wrong], labels[wrong]))
    kept: list[int] = []
    seen: dict[tuple[int, int], int] = {}
    for i in wrong[order]:
        cell = (int(labels[i]), int(predicted[i]))
        if seen.get(cell, 0) < per_cell:
            seen[cell] = seen.get(cell, 0) + 1
            kept.append(int(i))
    counts = np.bincount(predicted, minlength=N_CLASSES)
    sums = np.zeros((N_CLASSES, images.shape[1]), dtype=np.float64)
    np.add.at(sums, predicted, images)
    means = sums / np.maximum(counts, 1)[:, None]
    return {
        "n": len(labels),
        "mistakes": {
            "count": len(kept),
            "index": kept,
            "true": [int(labels[i]) for i in kept],
            "predicted": [int(predicted[i]) for i in kept],
            "probabilities": [[round(float(p), 4) for p in probabilities[i]] for i in kept],
            "pixels": pack(to_pixels(images[kept])),
        },
        "average_inputs": {"count": counts.tolist(), "pixels": pack(to_pixels(means))},
    }


@dataclass(frozen=True)
class Mistake:
    """One kept mistake: the test image's index, its label, the network's answer and
    probabilities (10,), and the picture (28, 28) uint8."""

    index: int
    true: int
    predicted: int
    probabilities: list[float]
    picture: NDArray[np.uint8]


def mistakes_in(stored: dict[str, Any], true: int, predicted: int) -> list[Mistake]:
    """The kept mistakes of one confusion cell, from `insights_on`'s data."""
    found = stored["mistakes"]
    pictures = unpack(found["pixels"], int(found["count"]))
    return [
        Mistake(index, t, p, probabilities, pictures[k].reshape(28, 28))
        for k, (index, t, p, probabilities) in enumerate(
            zip(
                found["index"],
                found["true"],
                found["predicted"],
                found["probabilities"],
                strict=True,
            )
        )
        if t == true and p == predicted
    ]


def average_inputs(stored: dict[str, Any]) -> tuple[NDArray[np.uint8], NDArray[np.float32]]:
    """From `insights_on`'s data: the average input of each digit (10, 28, 28) uint8, and
    how each differs from the average of all test images (10, 28, 28) float32 in [-1, 1]
    (+1 = always ink there for this digit and never for the others)."""
    found = stored["average_inputs"]
    counts = np.asarray(found["count"], dtype=np.float32)
    pixels = unpack(found["pixels"], N_CLASSES)
    means = pixels.astype(np.float32) / 255
    overall = (counts[:, None] * means).sum(axis=0) / max(float(counts.sum()), 1)
    difference = np.where(counts[:, None] > 0, means - overall, 0).astype(np.float32)
    return pixels.reshape(-1, 28, 28), difference.reshape(-1, 28, 28)
