"""Opening the database and the model at start, and again while the database is down.

A server that starts while its database is unreachable still starts: it answers
/healthz, serves predictions from the shipped model file, answers 503 to everything that
needs the database (and /readyz with 503, so a load balancer keeps it out of rotation),
and tries to connect every ``RETRY_SECONDS``. Once connected it loads the database's
active version and follows it (follow.py). A database lost later is noticed by each
request (503, see errors.py) and by /readyz; the connection pool reconnects by itself.
"""

import asyncio
import logging

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from app.config import Settings
from app.services.model_versions import load_version, seed
from app.services.moderation_batch import moderate_all
from app.store import (
    JobRunning,
    JobStore,
    ModelRegistry,
    ModerationStore,
    StoreUnavailableError,
    open_store,
)
from app.web.runtime.follow import follow_active_version

log = logging.getLogger("digitpad.startup")
RETRY_SECONDS = 2.0


def connect(app: FastAPI) -> bool:
    """Open the store, seed the shipped model into the registry and load the active
    version into ``app.state`` (the shipped model as read at start, when it is the active
    one); False (and nothing changed) if the database is down."""
    settings: Settings = app.state.settings
    try:
        store = open_store(settings.database_url)
    except StoreUnavailableError as error:
        log.warning("%s; retrying every %.0f s", error, RETRY_SECONDS)
        return False
    registry = ModelRegistry(store.engine)
    shipped = app.state.moderator.referee  # the shipped model, read at start
    try:
        active = seed(registry, settings.model_dir, shipped)
        model = shipped if active == shipped.version else load_version(registry, active)
    except StoreUnavailableError as error:
        log.warning("%s; retrying every %.0f s", error, RETRY_SECONDS)
        store.close()
        return False
    app.state.registry, app.state.jobs = registry, JobStore(store.engine)
    app.state.moderation = ModerationStore(store.engine)
    app.state.model = model
    app.state.store = store  # last: the store being set means "connected"
    return True


async def stay_connected(app: FastAPI) -> None:
    """Run until cancelled: connect (retrying), then follow the active model version."""
    while app.state.store is None:
        await asyncio.sleep(RETRY_SECONDS)
        if await run_in_threadpool(connect, app):
            log.info("connected to the database; serving version %s", app.state.model.version)
    await run_in_threadpool(score_unscored, app)
    await follow_active_version(app, app.state.settings.model_poll_seconds)


def score_unscored(app: FastAPI) -> None:
    """Score every sample once if some have no status yet (a database from before
    moderation, or drawings imported since): their first run. It runs as a job, so that
    of the workers and servers starting together on one database one does it; the others
    (and any worker while another job runs, which a fine-tune is, moderating first) skip."""
    jobs: JobStore = app.state.jobs
    try:
        unscored = app.state.moderation.unscored()
        if not unscored:
            return
        try:
            job = jobs.start("moderate", {"unscored": unscored})
        except JobRunning as running:
            log.info("%d samples not scored yet: left to job %d", unscored, running.job.id)
            return
        try:
            moderator = app.state.moderator
            done = moderate_all(
                app.state.store, app.state.moderation, moderator.referee, moderator.limits
            )
        except Exception as error:
            jobs.finish(job.id, error=str(error))
            raise
        jobs.finish(job.id, result={"statuses": done.counts})
        log.info("moderation scored every sample: %s", done.counts)
    except Exception:  # the database went away: the next `digitpad moderate` does it
        log.exception("could not score the samples not scored yet")
