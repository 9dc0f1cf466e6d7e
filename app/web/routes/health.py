"""Liveness, readiness, and the active model's card."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.web.deps import ModelDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Model or database unavailable"}})
def readyz(request: Request) -> JSONResponse:
    """The model is loaded and the database answers (503 otherwise, saying which)."""
    model, store = request.app.state.model, request.app.state.store
    database = "ok"
    if store is None:
        database = "unreachable: not connected yet"
    else:
        try:
            store.ping()
        except Exception as error:  # any failure to reach the database means "not ready"
            database = f"unreachable: {type(error).__name__}"
    version = model.version if model is not None else None
    ready = database == "ok" and model is not None
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "model": version, "database": database},
        status_code=200 if ready else 503,
    )


@router.get("/api/model", tags=["model"])
def active_model(model: ModelDep) -> dict[str, Any]:
    """The model card of the model answering /predict."""
    return model.card.to_dict()
