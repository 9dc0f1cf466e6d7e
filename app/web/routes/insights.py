"""What the active network learned and how it does: the data behind the insights views.

Everything here comes from the model cards, the weights and the stored contributions, so
it works on a fresh install with no MNIST files at hand.
"""

import json
from io import BytesIO
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request, Response
from PIL import Image

from app.engine.checkpoint import card_path
from app.engine.figures import weight_grid
from app.engine.metrics import evaluate
from app.store import ModelRegistry
from app.web.deps import ModelDep, RegistryDep, SettingsDep, StoreDep

router = APIRouter(prefix="/api/insights", tags=["insights"])
BASELINE = "baseline.npz"
CURVE_FIELDS = ("epoch", "loss", "train_accuracy", "val_loss", "val_accuracy")


def lineage(registry: ModelRegistry, card: dict[str, Any], version: str) -> list[dict[str, Any]]:
    """The learning curves of ``version`` and of each parent in turn, newest first."""
    chain = []
    while True:
        history = card.get("training", {}).get("history", [])
        chain.append(
            {"version": version, "epochs": [{k: h.get(k) for k in CURVE_FIELDS} for h in history]}
        )
        parent = card.get("parent")
        stored = registry.get(parent) if parent else None
        if stored is None:
            return chain
        version, card = stored.version, stored.card


@router.get("")
def insights(
    model: ModelDep, registry: RegistryDep, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    """Accuracy per digit and confusion matrices (MNIST test, contributed drawings), the
    learning curves of the active version and its parents, and the linear baseline."""
    card = model.card
    samples = list(store.iter_all())
    contributed = None
    if samples:
        images = np.stack([s.pixels for s in samples]).reshape(len(samples), -1) / 255
        labels = np.array([s.label for s in samples])
        contributed = evaluate(model.network, images.astype(np.float32), labels).to_dict()
    baseline_card = card_path(settings.model_dir / BASELINE)
    baseline = None
    if baseline_card.exists():
        found = json.loads(baseline_card.read_text())
        baseline = {"version": found["version"], "metrics": found["metrics"]}
    return {
        "model": {
            "version": model.version,
            "sizes": list(model.network.sizes),
            "activation": model.network.activation,
            "parameters": model.network.n_parameters,
        },
        "mnist_test": card.get("metrics", {}).get("mnist_test"),
        "contrib_test": card.get("metrics", {}).get("contrib_test"),
        "contributed": contributed,
        "curves": lineage(registry, card, model.version),
        "baseline": baseline,
    }


@router.get("/mistakes")
def mistakes(
    request: Request,
    model: ModelDep,
    store: StoreDep,
    true: Annotated[int, Query(ge=0, le=9, description="The label people gave")],
    predicted: Annotated[int, Query(ge=0, le=9, description="What the active model reads")],
    limit: Annotated[int, Query(ge=1, le=200)] = 48,
) -> dict[str, Any]:
    """Contributed drawings labelled ``true`` that the active model reads as ``predicted``
    (one cell of the confusion matrix), with its probabilities, newest first."""
    found = []
    for sample in store.iter_all():
        if sample.label != true:
            continue
        p = model.network.predict_proba(sample.pixels.reshape(1, -1) / np.float32(255))[0]
        if int(p.argmax()) == predicted:
            found.append(
                {
                    "id": sample.id,
                    "image_url": str(request.url_for("sample_png", sample_id=sample.id)),
                    "probabilities": [round(float(x), 4) for x in p],
                }
            )
    return {
        "model": model.version,
        "true": true,
        "predicted": predicted,
        "items": found[::-1][:limit],
    }


@router.get("/first-layer.png", responses={200: {"content": {"image/png": {}}}})
def first_layer(model: ModelDep) -> Response:
    """The first hidden layer's incoming weights, one 28x28 picture per unit (red positive,
    blue negative, white zero)."""
    buffer = BytesIO()
    Image.fromarray(weight_grid(model.network.weights[0])).save(buffer, format="PNG")
    return Response(
        buffer.getvalue(),
        media_type="image/png",
        headers={"Cache-Control": "no-cache", "X-Model-Version": model.version},
    )
