"""The insights views' data: what the active network learned and how it does.

The work is in `app.services.insights`; these routes pick the model (the active version
or the linear baseline) and shape the answers.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from app.engine.errors import NotFound
from app.engine.figures import encode_png, weight_grid
from app.services import insights as service
from app.web.deps import ModelDep, RegistryDep, SettingsDep, StoreDep
from app.web.routes.samples import sample_url
from app.web.schemas import Cell, CellItem, Insights

router = APIRouter(prefix="/api/insights", tags=["insights"])
Which = Literal["active", "baseline"]


@router.get("", response_model=Insights)
def insights(
    model: ModelDep, registry: RegistryDep, store: StoreDep, settings: SettingsDep
) -> Insights:
    """Accuracy per digit and confusion matrices (MNIST test, UNIPEN test writers,
    contributed drawings) of the active version and of the linear baseline, the learning
    curves of the active version and its parents, and the average input of each digit."""
    return Insights(**service.overview(model, registry, store, settings.model_dir))


@router.get(
    "/mistakes",
    response_model=Cell,
    response_model_exclude_none=True,
    responses={404: {"description": "No baseline, or no kept pictures"}},
)
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
) -> Cell:
    """One cell of a confusion matrix: the images labelled ``true`` that the model reads
    as ``predicted``, each with the model's probabilities. Contributed drawings come
    newest first; MNIST test images (those kept in the model card, the most confident
    mistakes first) carry their index in the test set and the picture as a data URL."""
    if of == "baseline":
        found = service.baseline_model(settings.model_dir)
        if found is None:
            raise NotFound(f"no linear baseline in {settings.model_dir}")
        model = found
    items = service.cell(
        model,
        store,
        true=true,
        predicted=predicted,
        source=source,
        limit=limit,
        sample_url=lambda sample_id: sample_url(request, sample_id, ".png"),
    )
    return Cell(
        model=model.version,
        source=source,
        true=true,
        predicted=predicted,
        items=[CellItem(**item) for item in items],
    )


@router.get("/first-layer.png", responses={200: {"content": {"image/png": {}}}})
def first_layer(model: ModelDep) -> Response:
    """The first hidden layer's incoming weights, one 28x28 picture per unit (red positive,
    blue negative, white zero)."""
    return Response(
        encode_png(weight_grid(model.network.weights[0])),
        media_type="image/png",
        headers={"Cache-Control": "no-cache", "X-Model-Version": model.version},
    )
