"""What the active network learned and how it does: the data behind the insights views.

Everything here comes from the model cards, the weights and the stored contributions, so
it works on a fresh install with no MNIST files at hand: the MNIST test mistakes and the
average inputs were kept in each card when the version was trained (engine/insights.py).
The linear baseline (model/baseline.npz) is measured the same way, beside the network.
"""

import base64
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query, Request, Response

from app.engine import checkpoint
from app.engine.card import ModelCard
from app.engine.errors import ModelFileError, NotFound
from app.engine.figures import diverging, encode_png, weight_grid
from app.engine.insights import average_inputs, mistakes_in
from app.engine.metrics import evaluate
from app.engine.reader import Reader
from app.store import ModelRegistry, SampleStore
from app.web.deps import ModelDep, RegistryDep, SettingsDep, StoreDep
from app.web.routes.samples import sample_url

router = APIRouter(prefix="/api/insights", tags=["insights"])
BASELINE = "baseline.npz"
CURVE_FIELDS = ("epoch", "loss", "train_accuracy", "val_loss", "val_accuracy")
Which = Literal["active", "baseline"]


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


def data_url(picture: np.ndarray) -> str:
    """A small picture as a data: URL, so a list of them needs no further requests."""
    return "data:image/png;base64," + base64.b64encode(encode_png(picture)).decode()


def baseline_model(model_dir: Path) -> Reader | None:
    """The shipped linear baseline, or None when the model folder has none."""
    try:
        return Reader(checkpoint.load(model_dir / BASELINE))
    except ModelFileError:
        return None


def contributed_metrics(model: Reader, store: SampleStore) -> dict[str, Any] | None:
    """How ``model`` reads the stored contributions now (None when there are none)."""
    samples = list(store.iter_all())
    if not samples:
        return None
    images = np.stack([s.pixels for s in samples]).reshape(len(samples), -1) / np.float32(255)
    labels = np.array([s.label for s in samples])
    return evaluate(model, images, labels).to_dict()


def mnist_pictures(card: ModelCard) -> dict[str, Any] | None:
    """The MNIST test pictures kept in a card (None for a card without them)."""
    found = card.insights.get("mnist_test")
    return found if isinstance(found, dict) else None


@router.get("")
def insights(
    model: ModelDep, registry: RegistryDep, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    """Accuracy per digit and confusion matrices (MNIST test, contributed drawings) of the
    active version and of the linear baseline, the learning curves of the active version
    and its parents, and the average input of each digit."""
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
    base = baseline_model(settings.model_dir)
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


@router.get("/mistakes", responses={404: {"description": "No baseline, or no kept pictures"}})
def mistakes(
    request: Request,
    model: ModelDep,
    store: StoreDep,
    settings: SettingsDep,
    true: Annotated[int, Query(ge=0, le=9, description="The true label")],
    predicted: Annotated[int, Query(ge=0, le=9, description="What the model reads")],
    source: Annotated[
        Literal["contributed", "mnist"], Query(description="Contributed drawings or MNIST test")
    ] = "contributed",
    of: Annotated[Which, Query(description="The active version or the linear baseline")] = (
        "active"
    ),
    limit: Annotated[int, Query(ge=1, le=200)] = 48,
) -> dict[str, Any]:
    """One cell of a confusion matrix: the images labelled ``true`` that the model reads
    as ``predicted``, each with the model's probabilities. Contributed drawings come
    newest first; MNIST test images (those kept in the model card, the most confident
    mistakes first) carry their index in the test set and the picture as a data URL."""
    if of == "baseline":
        found = baseline_model(settings.model_dir)
        if found is None:
            raise NotFound(f"no linear baseline in {settings.model_dir}")
        model = found
    items: list[dict[str, Any]] = []
    if source == "mnist":
        kept = mnist_pictures(model.card)
        if kept is None:
            raise NotFound(f"version {model.version} keeps no MNIST test pictures")
        for m in mistakes_in(kept, true, predicted)[:limit]:
            items.append(
                {
                    "mnist_index": m.index,
                    "image_url": data_url(m.picture),
                    "probabilities": m.probabilities,
                }
            )
    else:
        labelled = [s for s in store.iter_all() if s.label == true]
        if labelled:  # one batched pass through the reader
            pixels = np.stack([s.pixels for s in labelled]).reshape(len(labelled), -1)
            probabilities = model.probabilities(pixels / np.float32(255))
            for sample, p in zip(labelled, probabilities, strict=True):
                if int(p.argmax()) == predicted:
                    items.append(
                        {
                            "id": sample.id,
                            "image_url": sample_url(request, sample.id, ".png"),
                            "probabilities": [round(float(x), 4) for x in p],
                        }
                    )
        items = items[::-1][:limit]
    return {
        "model": model.version,
        "source": source,
        "true": true,
        "predicted": predicted,
        "items": items,
    }


@router.get("/first-layer.png", responses={200: {"content": {"image/png": {}}}})
def first_layer(model: ModelDep) -> Response:
    """The first hidden layer's incoming weights, one 28x28 picture per unit (red positive,
    blue negative, white zero)."""
    return Response(
        encode_png(weight_grid(model.network.weights[0])),
        media_type="image/png",
        headers={"Cache-Control": "no-cache", "X-Model-Version": model.version},
    )
