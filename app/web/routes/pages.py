"""The HTML pages. Each is a Jinja2 template with its own static JS and CSS; the server
only passes the active model version and the drawing limits."""

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.config import PROJECT_ROOT
from app.web.deps import ModelDep, SettingsDep

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=PROJECT_ROOT / "templates")

# The pages load only their own scripts and styles (no inline code, no CDN), so the
# policy can forbid everything else.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

PAGES = {
    # path: (template, what the page is for)
    "/": ("index.html", "Draw a digit and watch the network read it."),
    "/collect": ("collect.html", "Draw the digit asked for: fast, balanced contributions."),
    "/samples": ("samples.html", "The contributed drawings; relabel and delete (admin)."),
    "/insights": ("insights.html", "Accuracy, confusions, learning curves, hidden units."),
    "/model": ("model.html", "The model versions, and fine-tuning (admin)."),
    "/mine": ("mine.html", "The drawings this browser saved: see, download, delete."),
}


def _page(template: str, doc: str) -> Callable[..., HTMLResponse]:
    def render(request: Request, model: ModelDep, settings: SettingsDep) -> HTMLResponse:
        context = {
            "model_version": model.version,
            "max_strokes": settings.max_strokes,
            "max_points": settings.max_points,
            "max_points_per_stroke": settings.max_points_per_stroke,
        }
        return templates.TemplateResponse(request, template, context, headers=SECURITY_HEADERS)

    render.__doc__ = doc
    return render


for path, (template, doc) in PAGES.items():
    router.add_api_route(path, _page(template, doc), response_class=HTMLResponse, methods=["GET"])
