"""Hot reload: every worker follows the database's active version.

Each worker checks the active version id every ``model_poll_seconds`` (one small query);
when it changes, the new version is loaded and validated off the event loop, then swapped
in with one assignment. A request reads ``app.state.model`` once, so it is answered
entirely by the old version or entirely by the new one, and its answer names which. A
version that fails to load is logged and the current one keeps serving.
"""

import asyncio
import logging

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from app.services.model_versions import load_version

log = logging.getLogger("digitpad.follow")


async def follow_active_version(app: FastAPI, interval: float) -> None:
    """Run until cancelled, keeping ``app.state.model`` on the active version."""
    registry = app.state.registry
    while True:
        await asyncio.sleep(interval)
        try:
            active = await run_in_threadpool(registry.active)
            if active is not None and active != app.state.model.version:
                app.state.model = await run_in_threadpool(load_version, registry, active)
                log.info("now serving model version %s", active)
        except Exception:  # a database hiccup or a bad version: keep serving, try again
            log.exception("could not follow the active model version")
