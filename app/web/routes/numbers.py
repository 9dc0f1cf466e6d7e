"""Whole numbers: POST /predict/number reads one (strokes on a canvas, or an image);
POST /api/numbers stores one a person labelled.

The drawing is split into digits by the engine's reader (`Reader.read_number`, or
`read_number_image` for an upload), each digit read as /predict reads one, with the
contributor's own drawings when the JSON names one. A stored number keeps its label and
split, and each of its digits becomes a sample drawn from its own strokes.
"""

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool

from app.engine.errors import InvalidInput
from app.engine.reader import NumberReading
from app.services.moderation import contribute_number
from app.services.number_input import NumberIn, new_number
from app.services.reading import limits
from app.web.deps import (
    AddressDep,
    ModelDep,
    ModerationDep,
    ModeratorDep,
    QuotasDep,
    SettingsDep,
    StoreDep,
)
from app.web.errors import responses
from app.web.inputs import personal_drawings, prediction
from app.web.middleware.observability import observe
from app.web.routes.predict import DRAWING_BODY, DRAWING_ERRORS, read_body
from app.web.schemas import NumberDigit, NumberOut, NumberPrediction

router = APIRouter(tags=["predict"])


@router.post(
    "/predict/number",
    response_model=NumberPrediction,
    openapi_extra=DRAWING_BODY,
    responses=DRAWING_ERRORS,
)
async def predict_number(
    request: Request, model: ModelDep, settings: SettingsDep
) -> NumberPrediction:
    """Read a number of one or more digits, left to right: JSON strokes + canvas (with a
    ``contributor`` id, their own drawings count), or a multipart ``image`` file, whose
    pieces of ink are grouped into digits. At most DIGITPAD_MAX_DIGITS digits."""
    body = await read_body(request, settings)
    if isinstance(body, bytes):
        read = await run_in_threadpool(model.read_number_image, body, limits(settings))
    elif body.strokes is None or body.canvas is None:
        raise InvalidInput("expected strokes with a canvas, or an image, for a number")
    else:
        personal = await personal_drawings(request, model, body.contributor)
        read = await run_in_threadpool(
            model.read_number,
            body.model_dump()["strokes"],
            body.canvas.width,
            body.canvas.height,
            limits(settings),
            personal=personal,
        )
    if len(read.readings) > settings.max_digits:
        raise InvalidInput(
            f"expected at most {settings.max_digits} digits, got {len(read.readings)}"
        )
    return answer(read, model.version, request)


@router.post(
    "/api/numbers",
    status_code=201,
    response_model=NumberOut,
    responses=responses(403, 413, 422, 429),
)
async def contribute_a_number(
    body: NumberIn,
    model: ModelDep,
    store: StoreDep,
    moderation: ModerationDep,
    moderator: ModeratorDep,
    settings: SettingsDep,
    quotas: QuotasDep,
    address: AddressDep,
    idempotency_key: Annotated[
        str | None, Header(max_length=128, description="Makes retries safe: one number per key")
    ] = None,
) -> NumberOut:
    """Store a labelled number: the number (label and split) and one sample per digit,
    each moderated as a drawing of its own. Each digit counts as one drawing against the
    daily quotas (429 beyond); 403 for a blocked contributor."""
    number, digits = await run_in_threadpool(new_number, body, model, settings)
    await quotas.check(address, body.contributor, cost=len(digits))
    stored = await run_in_threadpool(
        contribute_number, store, moderation, moderator, number, digits, idempotency_key
    )
    return NumberOut(
        id=stored.id,
        label=stored.label,
        created_at=stored.created_at,
        samples=list(stored.sample_ids),
    )


def answer(read: NumberReading, version: str, request: Request) -> NumberPrediction:
    """The response for a number the reader read (its digits counted in the metrics)."""
    digits = [
        NumberDigit(
            **prediction(reading, version).model_dump(),
            box=[round(c, 1) for c in part.box],
            strokes=list(part.strokes),
        )
        for part, reading in zip(read.parts, read.readings, strict=True)
    ]
    observe(request, list(digits))
    return NumberPrediction(
        number=read.number, digits=digits, confidence=round(read.confidence, 6), model=version
    )
