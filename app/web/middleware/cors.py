"""Cross-origin access to the prediction routes only, for the origins the settings name.

Other sites' pages may call ``POST /predict``, ``/predict/batch`` and ``/explain`` when
their origin is in ``DIGITPAD_CORS_ORIGINS``; every other route, the admin ones above all,
never answers with CORS headers, so a browser keeps other origins out of them. With no
origins configured the middleware is not installed at all.
"""

from starlette._utils import get_route_path
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

CORS_PATHS = frozenset({"/predict", "/predict/batch", "/explain"})


class PredictionCORSMiddleware:
    """Starlette's CORSMiddleware, applied to ``CORS_PATHS`` and nothing else."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["POST"],
            allow_headers=["content-type"],
            expose_headers=["retry-after", "x-request-id"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and get_route_path(scope) in CORS_PATHS:
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
