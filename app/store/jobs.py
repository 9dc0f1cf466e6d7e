"""Background jobs (fine-tuning) with progress, one running at a time across all processes.

The database enforces the "one at a time": the running job has ``running_slot = 1``, every
other job NULL, and ``running_slot`` is unique, so of two concurrent :meth:`JobStore.start`
calls only one can insert. A running job that has not reported progress for ``stale_after``
is presumed dead (its process crashed) and marked failed by the next ``start``. Like the
other stores, each method is one session and returns plain dataclasses.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Update, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from app.store.tables import JOB_KIND_LENGTH, RUNNING_SLOT, JobRow, as_utc, check_json_object

START_ATTEMPTS = 3
"""How often :meth:`JobStore.start` retries when the job it collided with ended meanwhile."""


@dataclass(frozen=True, kw_only=True)
class Job:
    """A background job as stored."""

    id: int
    kind: str
    """What it does, e.g. "finetune" (at most 32 characters)."""
    status: str
    """"running", "succeeded" or "failed"."""
    params: dict[str, Any]
    progress: dict[str, Any]
    """The last progress reported, e.g. {"epoch": 2, "epochs": 5, "loss": 0.12}; {} at start."""
    result: dict[str, Any] | None
    error: str | None
    """Why it failed, or None."""
    created_at: datetime
    """When it started, timezone-aware UTC."""
    updated_at: datetime
    """Its last start, progress or finish (the heartbeat), timezone-aware UTC."""


class JobRunning(Exception):
    """Another job is running; ``job`` is that job."""

    def __init__(self, job: Job) -> None:
        """Carry the running ``job``."""
        super().__init__(f"job {job.id} ({job.kind}) is running, started {job.created_at}")
        self.job = job


class JobStore:
    """The background jobs in one database (the engine of a ``SampleStore``); thread-safe."""

    def __init__(self, engine: Engine) -> None:
        """Use ``engine`` as it is; its schema must be migrated (``open_store`` does that)."""
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def start(
        self,
        kind: str,
        params: dict[str, Any],
        *,
        stale_after: timedelta = timedelta(minutes=10),
    ) -> Job:
        """Start a job of ``kind`` and return it (status "running", progress {}).

        Raises :class:`JobRunning` if a job is running and reported within ``stale_after``;
        a running job silent for longer is first marked failed, presumed dead.
        """
        if not isinstance(kind, str) or not 0 < len(kind) <= JOB_KIND_LENGTH:
            raise ValueError(f"kind must be 1 to {JOB_KIND_LENGTH} characters, got {kind!r}")
        check_json_object(params, "params")
        if stale_after <= timedelta(0):
            raise ValueError(f"stale_after must be positive, got {stale_after}")
        for _ in range(START_ATTEMPTS):
            try:
                return self._try_start(kind, params, stale_after)
            except IntegrityError:
                # The unique running_slot: another job is running. Report it, unless it
                # ended between our insert and this read; then try again.
                running = self.running()
                if running is not None:
                    raise JobRunning(running) from None
        raise RuntimeError(f"could not start a {kind!r} job: other jobs kept starting and ending")

    def progress(self, job_id: int, progress: dict[str, Any]) -> None:
        """Replace the job's progress and record the time (a heartbeat).

        Raises ``ValueError`` if the job is unknown or no longer running (for instance
        presumed dead and taken over): its worker should stop.
        """
        values = {
            "progress": check_json_object(progress, "progress"),
            "updated_at": datetime.now(UTC),
        }
        with self._sessions.begin() as session:
            updated = session.scalar(_update_running(job_id).values(values).returning(JobRow.id))
        if updated is None:
            raise self._not_running(job_id)

    def finish(
        self, job_id: int, *, result: dict[str, Any] | None = None, error: str | None = None
    ) -> Job:
        """End the running job: "failed" if ``error`` is given, else "succeeded"; frees the slot.

        ``result`` is kept either way. Raises ``ValueError`` if the job is unknown or not running.
        """
        if result is not None:
            check_json_object(result, "result")
        if error is not None and not isinstance(error, str):
            raise ValueError(f"error must be text or None, got {type(error).__name__}")
        values = {
            "status": "succeeded" if error is None else "failed",
            "running_slot": None,
            "result": result,
            "error": error,
            "updated_at": datetime.now(UTC),
        }
        with self._sessions.begin() as session:
            row = session.scalar(_update_running(job_id).values(values).returning(JobRow))
            finished = None if row is None else _to_job(row)
        if finished is None:
            raise self._not_running(job_id)
        return finished

    def get(self, job_id: int) -> Job | None:
        """The job with this id, or None."""
        with self._sessions() as session:
            row = session.get(JobRow, job_id)
            return None if row is None else _to_job(row)

    def running(self) -> Job | None:
        """The running job, or None."""
        with self._sessions() as session:
            row = session.scalar(select(JobRow).where(JobRow.running_slot == RUNNING_SLOT))
            return None if row is None else _to_job(row)

    def _try_start(self, kind: str, params: dict[str, Any], stale_after: timedelta) -> Job:
        """One transaction: fail a stale running job, then insert the new one into the slot.

        Both statements write, so SQLite takes its write lock at the first (and waits for it).
        """
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            session.execute(
                update(JobRow)
                .where(JobRow.running_slot == RUNNING_SLOT, JobRow.updated_at < now - stale_after)
                .values(
                    status="failed",
                    running_slot=None,
                    error=f"no progress for more than {stale_after}, presumed dead",
                    updated_at=now,
                )
            )
            row = JobRow(
                kind=kind,
                status="running",
                running_slot=RUNNING_SLOT,
                params=params,
                progress={},
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            return _to_job(row)

    def _not_running(self, job_id: int) -> ValueError:
        job = self.get(job_id)
        if job is None:
            return ValueError(f"no job with id {job_id}")
        return ValueError(f"job {job_id} is not running: it {job.status}")


def _update_running(job_id: int) -> Update:
    """An UPDATE of job ``job_id`` that touches it only while it is running."""
    return update(JobRow).where(JobRow.id == job_id, JobRow.running_slot == RUNNING_SLOT)


def _to_job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        status=row.status,
        params=row.params,
        progress=row.progress,
        result=row.result,
        error=row.error,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )
