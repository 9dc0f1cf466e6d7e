"""Uploads -> the reader's inputs, and the reader's answers -> responses (drawings become
inputs in ``app/services/drawing_input.py``)."""

import numpy as np
from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from app.config import Settings
from app.engine.personal import Personal as PersonalDrawing
from app.engine.reader import Ink, Reader, Reading
from app.services.reading import limits
from app.store import StoreUnavailableError
from app.web.schemas import Personal, Prediction


def upload_to_ink(data: bytes, settings: Settings) -> Ink:
    """The reader's input for an uploaded image (PNG, JPEG, ...)."""
    return Reader.from_image(data, limits(settings))


def prediction(reading: Reading, version: str) -> Prediction:
    """The response for one of the reader's answers."""
    return Prediction(
        digit=reading.digit,
        probabilities=[round(float(x), 6) for x in reading.probabilities],
        model=version,
        pixels=np.round(reading.pixels, 3).tolist(),
        personal=None
        if reading.personal is None
        else Personal(samples=reading.personal.samples, weight=reading.personal.weight),
    )


def predict(
    model: Reader, inks: list[Ink], personal: PersonalDrawing | None = None
) -> list[Prediction]:
    """Read the inputs in one batch (with a contributor's own drawings, if given) and
    describe each answer."""
    return [prediction(r, model.version) for r in model.read(inks, personal=personal)]


async def personal_drawings(
    request: Request, model: Reader, contributor: str | None
) -> PersonalDrawing | None:
    """The contributor's labelled drawings for ``model``, or None: no contributor, none
    saved, or the database unreachable (the answer is then the network's alone)."""
    store = request.app.state.store
    if contributor is None or store is None:
        return None
    try:
        return await run_in_threadpool(
            request.app.state.personal.personal, model, store, contributor
        )
    except StoreUnavailableError:
        return None
