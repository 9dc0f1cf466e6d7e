"""The application factory: settings in, a FastAPI app out; model and store opened once."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from app import __version__
from app.config import PROJECT_ROOT, Settings, get_settings
from app.engine import checkpoint
from app.engine.reader import Reader
from app.services.model_versions import SHIPPED_MODEL
from app.services.moderation import Moderator
from app.services.personal import PersonalDrawings
from app.services.reading import limits
from app.web import errors
from app.web.middleware.cors import PredictionCORSMiddleware
from app.web.middleware.limits import BodyLimitMiddleware
from app.web.middleware.observability import (
    Metrics,
    ObservabilityMiddleware,
    configure_logging,
    metrics_endpoint,
)
from app.web.middleware.ratelimit import RateLimiter, RateLimitMiddleware
from app.web.quotas import Quotas
from app.web.routes import (
    contributors,
    health,
    insights,
    model_versions,
    numbers,
    pages,
    predict,
    samples,
)
from app.web.runtime.serving import one_blas_thread, startup_frozen
from app.web.runtime.startup import connect, stay_connected

DESCRIPTION = """Draw a digit, watch a NumPy multilayer perceptron read it.

Predictions live at the root (`/predict`, `/predict/batch`); the app's data lives under
`/api/`. Errors are JSON: `{"detail": "what is wrong"}`."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the model and open the store (retrying in the background while the database is
    down), then follow the active model version, for the process's life."""
    settings: Settings = app.state.settings
    app.state.store = app.state.registry = app.state.jobs = app.state.moderation = None
    app.state.model = Reader(checkpoint.load(settings.model_dir / SHIPPED_MODEL))
    app.state.personal = PersonalDrawings(limits=limits(settings))
    # The shipped model judges contributions: it never trains on them.
    app.state.moderator = Moderator(app.state.model, limits(settings))
    await run_in_threadpool(connect, app)
    follower = asyncio.create_task(stay_connected(app))
    try:
        with one_blas_thread(), startup_frozen():
            yield
    finally:
        follower.cancel()
        if app.state.store is not None:
            app.state.store.close()
        await app.state.limiter.close()
        await app.state.quotas.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A digitpad app for ``settings`` (default: from the environment)."""
    app = FastAPIOffline(
        title="digitpad", version=__version__, description=DESCRIPTION, lifespan=lifespan
    )
    settings = app.state.settings = settings or get_settings()
    configure_logging()
    app.state.limiter = RateLimiter.from_settings(settings)
    app.state.quotas = Quotas.from_settings(settings)
    app.state.metrics = Metrics(app.state)
    # The last added runs first: log and count everything, CORS, rate limits, body size.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RateLimitMiddleware, limiter=app.state.limiter)
    if settings.cors_origins:
        app.add_middleware(PredictionCORSMiddleware, origins=settings.cors_origins)
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
    errors.install(app)
    for module in (
        pages,
        predict,
        numbers,
        samples,
        contributors,
        model_versions,
        insights,
        health,
    ):
        app.include_router(module.router)
    app.add_api_route("/metrics", metrics_endpoint, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    return app
