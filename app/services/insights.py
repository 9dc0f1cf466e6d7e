"""What the active network learned and how it does: the data behind the insights views.

Everything here comes from the model cards, the weights and the stored contributions, so
it works on a fresh install with no MNIST files at hand: the MNIST test mistakes and the
average inputs were kept in each card when the version was trained (engine/insights.py).
The linear baseline (model/baseline.npz) is measured the same way, beside the network.
Contributed drawings are read in one batched pass through the reader.
"""

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.engine import checkpoint
from app.engine.card import ModelCard
from app.engine.errors import ModelFileError, NotFound
from app.engine.figures import diverging, encode_png
from app.engine.insights import average_inputs, mistakes_in
from app.engine.metrics import evaluate
from app.engine.reader import Reader
from app.store import ModelRegistry, Sample, SampleStore

BASELINE = "baseline.npz"
CURVE_FIELDS = ("epoch", "loss", "train_accuracy", "val_loss", "val_accuracy")


def lineage(registry: ModelRegistry, card: ModelCard) -> list[dict[str, Any]]:
    """The learning curves of the card's version and of each parent in turn, newest first."""
    chain = []
    while True:
        history = card.training.history if card.training else ()
        chain.append(
            {
                "version": card.version,
                "epochs": [{k: h.get(k) for k in CURVE_FIELDS} for h in history],
            }
        )
        stored = registry.get(card.parent) if card.parent else None
        if stored is None:
            return chain
        card = ModelCard.from_dict(stored.card, source=f"version {stored.version}")


def data_url(picture: npt.NDArray[np.uint8]) -> str:
    """A small picture as a data: URL, so a list of them needs no further requests."""
    return "data:image/png;base64," + base64.b64encode(encode_png(picture)).decode()


def baseline_model(model_dir: Path) -> Reader | None:
    """The shipped linear baseline, or None when the model folder has none."""
    try:
        return Reader(checkpoint.load(model_dir / BASELINE))
    except ModelFileError:
        return None


def _images(samples: list[Sample]) -> npt.NDArray[np.float32]:
    """Stored samples' pictures as the reader's input, (n, 784) float32 in [0, 1]."""
    pixels = np.stack([s.pixels for s in samples]).reshape(len(samples), -1)
    return np.divide(pixels, 255, dtype=np.float32)


def contributed_metrics(model: Reader, store: SampleStore) -> dict[str, Any] | None:
    """How ``model`` reads the stored contributions now (None when there are none)."""
    samples = list(store.iter_all())
    if not samples:
        return None
    return evaluate(model, _images(samples), np.array([s.label for s in samples])).to_dict()


def mnist_pictures(card: ModelCard) -> dict[str, Any] | None:
    """The MNIST test pictures kept in a card (None for a card without them)."""
    found = card.insights.get("mnist_test")
    return found if isinstance(found, dict) else None


def overview(
    model: Reader, registry: ModelRegistry, store: SampleStore, model_dir: Path
) -> dict[str, Any]:
    """Accuracy per digit and confusion matrices (MNIST test, UNIPEN test writers,
    contributed drawings) of the active version and of the linear baseline, the learning
    curves of the active version and its parents, and the average input of each digit."""
    card = model.card
    kept = mnist_pictures(card)
    averages = None
    if kept is not None:
        means, difference = average_inputs(kept)
        averages = {
            "count": kept["average_inputs"]["count"],
            "images": [data_url(m) for m in means],
            "difference": [data_url(diverging(d)) for d in difference],
        }
    base = baseline_model(model_dir)
    baseline = None
    if base is not None:
        baseline = {
            "version": base.version,
            "metrics": base.card.metrics,
            "contributed": contributed_metrics(base, store),
            "mnist_mistakes": mnist_pictures(base.card) is not None,
        }
    return {
        "model": {
            "version": model.version,
            "sizes": list(model.network.sizes),
            "activation": model.network.activation,
            "parameters": card.parameters,
            "networks": len(model.networks),
        },
        "mnist_test": card.metrics.get("mnist_test"),
        "unipen_test": card.metrics.get("unipen_test"),
        "contrib_test": card.metrics.get("contrib_test"),
        "contributed": contributed_metrics(model, store),
        "mnist_mistakes": kept is not None,
        "average_inputs": averages,
        "curves": lineage(registry, card),
        "baseline": baseline,
    }


def cell(
    model: Reader,
    store: SampleStore,
    *,
    true: int,
    predicted: int,
    source: str,
    limit: int,
    sample_url: Callable[[int], str],
) -> list[dict[str, Any]]:
    """One cell of a confusion matrix: the images labelled ``true`` that ``model`` reads as
    ``predicted``, each with its probabilities. Contributed drawings (``source``
    "contributed") newest first, with ``sample_url(id)`` of their picture; MNIST test
    images ("mnist", those kept in the card, the most confident mistakes first) with their
    index in the test set and the picture as a data URL. NotFound when the card keeps no
    MNIST pictures."""
    if source == "mnist":
        kept = mnist_pictures(model.card)
        if kept is None:
            raise NotFound(f"version {model.version} keeps no MNIST test pictures")
        return [
            {
                "mnist_index": m.index,
                "image_url": data_url(m.picture),
                "probabilities": m.probabilities,
            }
            for m in mistakes_in(kept, true, predicted)[:limit]
        ]
    labelled = [s for s in store.iter_all() if s.label == true]
    if not labelled:
        return []
    items = [
        {
            "id": sample.id,
            "image_url": sample_url(sample.id),
            "probabilities": [round(float(x), 4) for x in p],
        }
        for sample, p in zip(labelled, model.probabilities(_images(labelled)), strict=True)
        if int(p.argmax()) == predicted
    ]
    return items[::-1][:limit]
