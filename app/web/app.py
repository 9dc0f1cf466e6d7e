"""The application factory: settings in, a FastAPI app out; model and store opened once."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from app import __version__
from app.config import PROJECT_ROOT, Settings, get_settings
from app.engine import checkpoint
from app.store import open_store
from app.web import errors
from app.web.limits import BodyLimitMiddleware
from app.web.routes import health, pages, predict, samples

MODEL_FILE = "default.npz"
DESCRIPTION = """Draw a digit, watch a NumPy multilayer perceptron read it.

Predictions live at the root (`/predict`, `/predict/batch`); the app's data lives under
`/api/`. Errors are JSON: `{"detail": "what is wrong"}`."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the model and open the store once, for the life of the process."""
    settings: Settings = app.state.settings
    app.state.model = checkpoint.load(settings.model_dir / MODEL_FILE)
    app.state.store = open_store(settings.database_url)
    try:
        yield
    finally:
        app.state.store.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A digitpad app for ``settings`` (default: from the environment)."""
    app = FastAPIOffline(
        title="digitpad", version=__version__, description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings or get_settings()
    app.add_middleware(BodyLimitMiddleware, max_bytes=app.state.settings.max_body_bytes)
    errors.install(app)
    for module in (pages, predict, samples, health):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    return app
