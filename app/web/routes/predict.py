"""Inference: POST /predict (strokes, pixels or an image upload) and POST /predict/batch."""

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from app.engine.errors import InvalidInput
from app.web.deps import ModelDep, SettingsDep
from app.web.inputs import drawing_to_pixels, predict, upload_to_pixels
from app.web.schemas import BatchPrediction, BatchRequest, Drawing, Prediction

router = APIRouter(tags=["predict"])

# /predict reads its body itself (JSON or multipart), so its schema is declared here.
PREDICT_BODY: dict[str, Any] = {
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


@router.post("/predict", response_model=Prediction, openapi_extra=PREDICT_BODY)
async def predict_one(request: Request, model: ModelDep, settings: SettingsDep) -> Prediction:
    """Read one digit: JSON strokes + canvas, JSON pixels, or a multipart ``image`` file."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=1)
        upload = form.get("image")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("expected a multipart file field named 'image'")
        data = await upload.read(settings.max_image_bytes + 1)
        image = await run_in_threadpool(upload_to_pixels, data, settings)
    elif content_type.startswith("application/json"):
        drawing = parse_drawing(await request.body())
        image = await run_in_threadpool(drawing_to_pixels, drawing, settings)
    else:
        raise HTTPException(
            415, f"expected application/json or multipart/form-data, got {content_type!r}"
        )
    return predict(model, [image])[0]


@router.post("/predict/batch", response_model=BatchPrediction)
def predict_batch(body: BatchRequest, model: ModelDep, settings: SettingsDep) -> BatchPrediction:
    """Read many drawings in one pass; one invalid item refuses the whole batch."""
    if len(body.items) > settings.max_batch:
        raise InvalidInput(f"expected at most {settings.max_batch} items, got {len(body.items)}")
    images = []
    for i, item in enumerate(body.items):
        try:
            images.append(drawing_to_pixels(item, settings))
        except InvalidInput as error:
            raise InvalidInput(f"items[{i}]: {error}") from error
    return BatchPrediction(predictions=predict(model, images))


def parse_drawing(body: bytes) -> Drawing:
    """Validate a JSON body as FastAPI would, with the same 422 answer on failure."""
    try:
        return Drawing.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None
