"""Liveness, readiness, and the active model's card."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.web.deps import ModelDep, StoreDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Model or database unavailable"}})
def readyz(model: ModelDep, store: StoreDep) -> JSONResponse:
    """The model is loaded and the database answers."""
    try:
        store.ping()
    except Exception as error:  # any failure to reach the database means "not ready"
        return JSONResponse(
            {"status": "unavailable", "database": f"unreachable: {type(error).__name__}"},
            status_code=503,
        )
    return JSONResponse({"status": "ready", "model": model.version, "database": "ok"})


@router.get("/api/model", tags=["model"])
def active_model(model: ModelDep) -> dict[str, Any]:
    """The model card of the model answering /predict."""
    return model.card
