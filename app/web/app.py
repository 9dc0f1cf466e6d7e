"""The application factory: settings in, a FastAPI app out; model and store opened once."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from app import __version__
from app.config import PROJECT_ROOT, Settings, get_settings
from app.store import JobStore, ModelRegistry, open_store
from app.versions import load_version, seed
from app.web import errors
from app.web.follow import follow_active_version
from app.web.limits import BodyLimitMiddleware
from app.web.routes import health, insights, models, pages, predict, samples

DESCRIPTION = """Draw a digit, watch a NumPy multilayer perceptron read it.

Predictions live at the root (`/predict`, `/predict/batch`); the app's data lives under
`/api/`. Errors are JSON: `{"detail": "what is wrong"}`."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the store, load the active model version and follow it, for the process's life."""
    settings: Settings = app.state.settings
    store = app.state.store = open_store(settings.database_url)
    registry = app.state.registry = ModelRegistry(store.engine)
    app.state.jobs = JobStore(store.engine)
    app.state.model = load_version(registry, seed(registry, settings.model_dir))
    follower = asyncio.create_task(follow_active_version(app, settings.model_poll_seconds))
    try:
        yield
    finally:
        follower.cancel()
        store.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A digitpad app for ``settings`` (default: from the environment)."""
    app = FastAPIOffline(
        title="digitpad", version=__version__, description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings or get_settings()
    app.add_middleware(BodyLimitMiddleware, max_bytes=app.state.settings.max_body_bytes)
    errors.install(app)
    for module in (pages, predict, samples, models, insights, health):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    return app
