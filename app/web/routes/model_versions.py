"""Model versions (list, activate) and the fine-tuning job (admin)."""

import os
import subprocess
import sys
from dataclasses import asdict

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.config import Settings
from app.engine.errors import InvalidInput, ModelFileError, NotFound
from app.services.model_versions import load_version
from app.store import Job, JobRunning, ModelVersion
from app.web.deps import Admin, JobsDep, RegistryDep, SettingsDep
from app.web.schemas import FinetuneRequest, Id, JobOut, ModelList, ModelVersionOut

router = APIRouter(tags=["models"])


def _version(v: ModelVersion) -> ModelVersionOut:
    return ModelVersionOut(**asdict(v))


@router.get("/api/models", response_model=ModelList)
def list_versions(registry: RegistryDep) -> ModelList:
    """Every model version, newest first, with the active one marked."""
    versions = registry.list()
    return ModelList(active=registry.active(), versions=[_version(v) for v in versions])


@router.post(
    "/api/models/{version}/activate",
    response_model=ModelVersionOut,
    dependencies=[Admin],
    responses={
        404: {"description": "No such version"},
        422: {"description": "The version's weights do not load"},
    },
)
def activate(version: str, registry: RegistryDep) -> ModelVersionOut:
    """Make a version the one every server answers with (also to roll back). Its weights
    are loaded and checked against its card first: a corrupt version is refused."""
    if registry.get(version) is None:
        raise NotFound(f"no model version {version!r}")
    try:
        load_version(registry, version)
    except ModelFileError as error:  # the request's fault, not the server's: 422, not 503
        raise InvalidInput(f"version {version!r} cannot be served: {error}") from None
    return _version(registry.activate(version))


@router.post(
    "/api/admin/finetune",
    status_code=202,
    response_model=JobOut,
    dependencies=[Admin],
    responses={409: {"description": "A fine-tune is already running"}},
)
def start_finetune(
    body: FinetuneRequest, jobs: JobsDep, settings: SettingsDep
) -> JobOut | JSONResponse:
    """Start fine-tuning on the contributed drawings, in the background, one at a time."""
    try:
        job = jobs.start("finetune", body.model_dump())
    except JobRunning as running:
        return JSONResponse(
            {"detail": f"fine-tune job {running.job.id} is already running",
             "job": JobOut(**asdict(running.job)).model_dump(mode="json")},
            status_code=409,
        )  # fmt: skip
    launch_finetune(job, body, settings)
    return JobOut(**asdict(job))


@router.get(
    "/api/admin/jobs/{job_id:int}",
    response_model=JobOut,
    dependencies=[Admin],
    responses={404: {"description": "No such job"}},
)
def get_job(job_id: Id, jobs: JobsDep) -> JobOut:
    """A job's progress while it runs, then its result or error."""
    job = jobs.get(job_id)
    if job is None:
        raise NotFound(f"no job with id {job_id}")
    return JobOut(**asdict(job))


def launch_finetune(job: Job, body: FinetuneRequest, settings: Settings) -> None:
    """Run ``digitpad finetune --job-id`` in its own process, at low priority and on one
    BLAS thread, so that it leaves a core to the requests the server is answering."""
    env = {**os.environ, **settings.to_env(), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "app.cli", "finetune", "--job-id", str(job.id)]
    command += ["--epochs", str(body.epochs)] + (["--force"] if body.force else [])
    subprocess.Popen(
        ["nice", "-n", "10", *command],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
