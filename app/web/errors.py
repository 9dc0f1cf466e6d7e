"""Errors to HTTP, in one place: every error answer is JSON with a ``detail`` message.

Validation errors (422) also carry pydantic's list as ``errors``; the OpenAPI schema is
amended to say so (`install`), and routes declare their other error answers with
`responses`.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.engine.errors import (
    DigitpadError,
    Forbidden,
    InvalidInput,
    ModelFileError,
    NotFound,
    OverQuota,
    Unavailable,
)
from app.services.drawing_input import describe
from app.store import StoreUnavailableError

log = logging.getLogger("digitpad.errors")
RETRY_AFTER_SECONDS = 5  # what a 503 tells clients to wait
DATABASE_DOWN = "the database is unavailable; try again shortly"

# Engine errors and their status; the first class that matches wins.
STATUS: list[tuple[type[DigitpadError], int]] = [
    (InvalidInput, 422),  # includes EmptyDrawing
    (NotFound, 404),
    (Forbidden, 403),
    (OverQuota, 429),  # a contribution quota; says when to try again
    (ModelFileError, 503),  # the server's own model cannot be loaded
    (Unavailable, 503),
]


def unavailable(detail: str) -> JSONResponse:
    """The one 503 answer: what is unavailable, and when to try again."""
    return JSONResponse(
        {"detail": detail},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def status_of(error: DigitpadError) -> int:
    """The HTTP status for an engine error (500 for one with no mapping: a bug)."""
    return next((status for cls, status in STATUS if isinstance(error, cls)), 500)


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string", "description": "What is wrong"}},
}
VALIDATION_SCHEMA: dict[str, Any] = {
    "title": "HTTPValidationError",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "Every problem, on one line"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
    },
}
REASONS = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    413: "Body or image over a size limit",
    415: "Unsupported content type",
    422: "Invalid input",
    429: "Too many requests",
    503: "Model or database unavailable",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error answers a route can give, for its ``responses=``: JSON with ``detail``."""
    return {
        code: {
            "description": REASONS[code],
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        }
        for code in codes
    }


def install(app: FastAPI) -> None:
    """Register the handlers on ``app`` and document the validation error's shape."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # built once, then cached by FastAPI
        components = schema.get("components", {}).get("schemas", {})
        if "HTTPValidationError" in components:
            components["HTTPValidationError"] = VALIDATION_SCHEMA
        # A body that cannot be parsed at all (broken JSON or multipart) gets a 400.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if "requestBody" in operation:
                    operation["responses"].setdefault("400", responses(400)[400])
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(DigitpadError)
    async def engine_error(_: Request, error: DigitpadError) -> JSONResponse:
        status = status_of(error)
        if status == 503:
            return unavailable(str(error))
        headers = {}
        if isinstance(error, OverQuota):
            headers["Retry-After"] = str(error.retry_after)
        return JSONResponse({"detail": str(error)}, status_code=status, headers=headers)

    @app.exception_handler(StoreUnavailableError)
    async def store_unavailable(_: Request, error: StoreUnavailableError) -> JSONResponse:
        log.warning("%s", error)
        return unavailable(DATABASE_DOWN)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in error.errors()
        ]
        return JSONResponse({"detail": describe(errors), "errors": errors}, status_code=422)
