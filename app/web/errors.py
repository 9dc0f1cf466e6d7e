"""Errors to HTTP, in one place: every 4xx answer is JSON with a ``detail`` message."""

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.engine.errors import DigitpadError, InvalidInput, ModelFileError

# Engine errors and their status; the first class that matches wins.
STATUS: list[tuple[type[DigitpadError], int]] = [
    (InvalidInput, 422),  # includes EmptyDrawing
    (ModelFileError, 503),
]


def status_of(error: DigitpadError) -> int:
    """The HTTP status for an engine error (500 for one with no mapping: a bug)."""
    return next((status for cls, status in STATUS if isinstance(error, cls)), 500)


def describe(errors: Sequence[Mapping[str, Any]]) -> str:
    """Pydantic's error list as one line: "body.label: Input should be ...; ..."."""
    parts = []
    for e in errors:
        loc = ".".join(str(part) for part in e.get("loc", ()))
        parts.append(f"{loc}: {e.get('msg')}" if loc else str(e.get("msg")))
    return "; ".join(parts)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(DigitpadError)
    async def engine_error(_: Request, error: DigitpadError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=status_of(error))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in error.errors()
        ]
        return JSONResponse({"detail": describe(errors), "errors": errors}, status_code=422)
