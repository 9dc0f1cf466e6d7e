"""Inference: POST /predict (strokes, pixels or an image upload) and POST /predict/batch."""

from typing import Any

import numpy as np
from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from app.config import Settings
from app.engine.errors import InvalidInput
from app.engine.explain import explain
from app.engine.reader import Ink, Reader
from app.services.drawing_input import Drawing, drawing_to_ink
from app.web.deps import ModelDep, SettingsDep
from app.web.errors import responses
from app.web.inputs import personal_drawings, predict, upload_to_ink
from app.web.middleware.observability import observe
from app.web.schemas import (
    BatchPrediction,
    BatchRequest,
    Explained,
    HiddenUnit,
    Prediction,
)

router = APIRouter(tags=["predict"])

# /predict and /explain read their bodies themselves (JSON or multipart), so the
# schema is declared here.
DRAWING_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Drawing"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["image"],
                    "properties": {
                        "image": {
                            "type": "string",
                            "format": "binary",
                            "description": "A PNG, JPEG, GIF, BMP or WEBP image of one digit.",
                        }
                    },
                }
            },
        },
    }
}
DRAWING_ERRORS = responses(413, 415, 422)


async def read_ink(request: Request, model: Reader, settings: Settings) -> tuple[Ink, str | None]:
    """``model``'s input from a request (JSON strokes or pixels, or a multipart image)
    and the contributor id the JSON body names, if any."""
    body = await read_body(request, settings)
    if isinstance(body, bytes):
        return await run_in_threadpool(upload_to_ink, body, settings), None
    # A drawing takes about 0.2 ms to render (its size is bounded by the limits):
    # cheaper on the event loop than the trip to a worker thread and back.
    return drawing_to_ink(body, model, settings), body.contributor


async def read_body(request: Request, settings: Settings) -> Drawing | bytes:
    """A request's drawing (JSON, checked) or its uploaded image's bytes (multipart)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=1)
        upload = form.get("image")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("expected a multipart file field named 'image'")
        return await upload.read(settings.max_image_bytes + 1)
    if content_type.startswith("application/json"):
        return parse_drawing(await request.body())
    raise HTTPException(
        415, f"expected application/json or multipart/form-data, got {content_type!r}"
    )


@router.post(
    "/predict", response_model=Prediction, openapi_extra=DRAWING_BODY, responses=DRAWING_ERRORS
)
async def predict_one(request: Request, model: ModelDep, settings: SettingsDep) -> Prediction:
    """Read one digit: JSON strokes + canvas, JSON pixels, or a multipart ``image`` file.
    With a ``contributor`` id, that contributor's own labelled drawings count too."""
    ink, contributor = await read_ink(request, model, settings)
    personal = await personal_drawings(request, model, contributor)
    return observe(request, predict(model, [ink], personal))[0]


@router.post(
    "/explain", response_model=Explained, openapi_extra=DRAWING_BODY, responses=DRAWING_ERRORS
)
async def explain_one(request: Request, model: ModelDep, settings: SettingsDep) -> Explained:
    """Read one digit (bodies as for /predict) and say why: a saliency map over the 28x28
    input and the hidden units that fired most."""
    ink, contributor = await read_ink(request, model, settings)
    personal = await personal_drawings(request, model, contributor)
    seen = model.seen(ink.pixels.reshape(1, -1)).reshape(ink.pixels.shape)
    reasons = await run_in_threadpool(explain, model.network, seen)
    return Explained(
        **observe(request, predict(model, [ink], personal), count=False)[0].model_dump(),
        saliency=np.round(reasons.saliency, 3).tolist(),
        hidden=[
            [
                HiddenUnit(
                    layer=u.layer,
                    unit=u.unit,
                    activation=round(u.activation, 4),
                    weights=None if u.weights is None else np.round(u.weights, 3).tolist(),
                )
                for u in layer
            ]
            for layer in reasons.layers
        ],
    )


@router.post("/predict/batch", response_model=BatchPrediction, responses=responses(413))
async def predict_batch(
    body: BatchRequest, request: Request, model: ModelDep, settings: SettingsDep
) -> BatchPrediction:
    """Read many drawings in one pass (one per contributor named); one invalid item
    refuses the whole batch."""
    if len(body.items) > settings.max_batch:
        raise InvalidInput(f"expected at most {settings.max_batch} items, got {len(body.items)}")
    inks = await run_in_threadpool(batch_inputs, body.items, model, settings)
    answers: list[Prediction | None] = [None] * len(inks)
    for contributor in dict.fromkeys(item.contributor for item in body.items):
        mine = [i for i, item in enumerate(body.items) if item.contributor == contributor]
        personal = await personal_drawings(request, model, contributor)
        read = predict(model, [inks[i] for i in mine], personal)
        for i, answer in zip(mine, read, strict=True):
            answers[i] = answer
    return BatchPrediction(predictions=observe(request, [a for a in answers if a is not None]))


def batch_inputs(items: list[Drawing], model: Reader, settings: Settings) -> list[Ink]:
    """Each item's input for ``model``; InvalidInput naming the first bad item."""
    inks = []
    for i, item in enumerate(items):
        try:
            inks.append(drawing_to_ink(item, model, settings))
        except InvalidInput as error:
            raise InvalidInput(f"items[{i}]: {error}") from error
    return inks


def parse_drawing(body: bytes) -> Drawing:
    """Validate a JSON body as FastAPI would, with the same 422 answer on failure."""
    try:
        return Drawing.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None
