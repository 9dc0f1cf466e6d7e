"""``digitpad serve``: the page and the API under uvicorn, one or several workers."""

import sys
from typing import Any

import click
import uvicorn
from pydantic import ValidationError

from app.cli.group import main
from app.config import get_settings
from app.web.runtime import workers as workers_module
from app.web.runtime.serving import NoDelayH11Protocol

APP_FACTORY = "app.web.app:create_app"
GRACEFUL_SECONDS = 30  # on SIGTERM, how long requests in flight may take to finish


@main.command("serve", context_settings={"show_default": True})
@click.option("--host", default="127.0.0.1", help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    help="Worker processes, each listening on the port itself (on Linux).",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    help="Comma-separated proxy addresses (or *) trusted to set X-Forwarded-For: the "
    "client address that rate limits and logs use.",
)
def serve_command(host: str, port: int, workers: int, forwarded_allow_ips: str) -> None:
    """Serve the drawing page and the API (settings from DIGITPAD_* variables)."""
    try:
        get_settings()  # a bad setting stops here, as one message
    except ValidationError as error:
        raise click.ClickException(str(error)) from None
    options: dict[str, Any] = dict(
        factory=True,
        host=host,
        port=port,
        workers=workers,
        forwarded_allow_ips=forwarded_allow_ips,
        access_log=False,  # the app logs every request itself, as JSON
        http=NoDelayH11Protocol,  # see app/web/runtime/serving.py
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )
    if workers > 1 and workers_module.CAN_SHARE_PORT:  # see app/web/runtime/workers.py
        config = uvicorn.Config(APP_FACTORY, **options)
        try:
            sys.exit(workers_module.serve(config, workers))
        except OSError as error:
            raise click.ClickException(f"cannot listen on {host}:{port}: {error}") from None
    uvicorn.run(APP_FACTORY, **options)
