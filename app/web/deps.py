"""What routes receive: settings, the active model, the stores, and the admin check."""

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from app.config import Settings
from app.engine.checkpoint import Checkpoint
from app.store import JobStore, ModelRegistry, SampleStore


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_model(request: Request) -> Checkpoint:
    model: Checkpoint = request.app.state.model
    return model


def get_store(request: Request) -> SampleStore:
    store: SampleStore = request.app.state.store
    return store


def get_registry(request: Request) -> ModelRegistry:
    registry: ModelRegistry = request.app.state.registry
    return registry


def get_jobs(request: Request) -> JobStore:
    jobs: JobStore = request.app.state.jobs
    return jobs


SettingsDep = Annotated[Settings, Depends(get_settings)]
ModelDep = Annotated[Checkpoint, Depends(get_model)]
StoreDep = Annotated[SampleStore, Depends(get_store)]
RegistryDep = Annotated[ModelRegistry, Depends(get_registry)]
JobsDep = Annotated[JobStore, Depends(get_jobs)]


def require_admin(
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(description="Bearer <admin token>")] = None,
) -> None:
    """403 when no admin token is configured, 401 unless the request carries it."""
    if settings.admin_token is None:
        raise HTTPException(403, "admin requests are disabled: DIGITPAD_ADMIN_TOKEN is not set")
    scheme, _, token = (authorization or "").partition(" ")
    expected = settings.admin_token.get_secret_value()
    if scheme.lower() != "bearer" or not secrets.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(
            401, "expected the header Authorization: Bearer <admin token>",
            headers={"WWW-Authenticate": "Bearer"},
        )  # fmt: skip


Admin = Depends(require_admin)
