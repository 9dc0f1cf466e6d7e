"""The HTML pages: the drawing page and the collection page."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.config import PROJECT_ROOT
from app.web.deps import ModelDep, SettingsDep

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=PROJECT_ROOT / "templates")


def _page(name: str, request: Request, model: ModelDep, settings: SettingsDep) -> HTMLResponse:
    context = {
        "model_version": model.version,
        "max_strokes": settings.max_strokes,
        "max_points": settings.max_points,
        "max_points_per_stroke": settings.max_points_per_stroke,
    }
    return templates.TemplateResponse(request, name, context)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, model: ModelDep, settings: SettingsDep) -> HTMLResponse:
    """Draw a digit and watch the network read it."""
    return _page("index.html", request, model, settings)


@router.get("/collect", response_class=HTMLResponse)
def collect(request: Request, model: ModelDep, settings: SettingsDep) -> HTMLResponse:
    """Draw the digit asked for: fast, balanced contributions."""
    return _page("collect.html", request, model, settings)


@router.get("/model", response_class=HTMLResponse)
def model_page(request: Request, model: ModelDep, settings: SettingsDep) -> HTMLResponse:
    """The active model version, its history, and fine-tuning (admin)."""
    return _page("model.html", request, model, settings)


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, model: ModelDep, settings: SettingsDep) -> HTMLResponse:
    """How the active network does and what it learned: accuracy, confusions, curves."""
    return _page("insights.html", request, model, settings)


@router.get("/samples", response_class=HTMLResponse)
def samples_page(request: Request, model: ModelDep, settings: SettingsDep) -> HTMLResponse:
    """The contributed drawings, newest first; relabel and delete (admin)."""
    return _page("samples.html", request, model, settings)
