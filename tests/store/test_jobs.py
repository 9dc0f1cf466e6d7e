"""Background jobs, on SQLite and PostgreSQL (see conftest.py)."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from app.store import Job, JobRunning, JobStore, SampleStore
from app.store.tables import JobRow

PARAMS: dict[str, Any] = {"epochs": 5, "learning_rate": 0.001, "base": "v1"}


@pytest.fixture
def jobs(store: SampleStore) -> JobStore:
    """A job store on the store's (migrated, empty) database."""
    return JobStore(store.engine)


def in_threads(count: int, work: Callable[[int], Job | JobRunning]) -> list[Job | JobRunning]:
    """Run ``work(0..count-1)`` in ``count`` threads released together."""
    start = threading.Barrier(count)

    def run(index: int) -> Job | JobRunning:
        start.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def age(store: SampleStore, job_id: int, by: timedelta) -> None:
    """Move the job's last heartbeat ``by`` into the past, as if its worker had gone quiet."""
    with store.engine.begin() as connection:
        connection.execute(
            update(JobRow).where(JobRow.id == job_id).values(updated_at=datetime.now(UTC) - by)
        )


def test_start_returns_a_running_job(jobs: JobStore) -> None:
    before = datetime.now(UTC)
    job = jobs.start("finetune", PARAMS)
    assert job.kind == "finetune"
    assert job.status == "running"
    assert job.params == PARAMS
    assert job.progress == {}
    assert job.result is None
    assert job.error is None
    assert before - timedelta(seconds=1) <= job.created_at == job.updated_at
    assert job.created_at.tzinfo is not None
    assert jobs.get(job.id) == job
    assert jobs.running() == job


def test_progress_replaces_the_progress_and_is_a_heartbeat(jobs: JobStore) -> None:
    job = jobs.start("finetune", PARAMS)
    jobs.progress(job.id, {"epoch": 1, "epochs": 5, "loss": 0.5})
    jobs.progress(job.id, {"epoch": 2, "epochs": 5, "loss": 0.12})
    now = jobs.get(job.id)
    assert now is not None
    assert now.progress == {"epoch": 2, "epochs": 5, "loss": 0.12}
    assert now.updated_at > job.updated_at
    assert now.created_at == job.created_at


def test_a_heartbeat_keeps_a_slow_job_alive(jobs: JobStore, store: SampleStore) -> None:
    job = jobs.start("finetune", PARAMS)
    age(store, job.id, timedelta(minutes=11))
    jobs.progress(job.id, {"epoch": 1})
    with pytest.raises(JobRunning):
        jobs.start("finetune", PARAMS)


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ({"result": {"version": "v2", "accuracy": 0.99}}, "succeeded"),
        ({"error": "loss became NaN"}, "failed"),
        ({"result": {"epochs_done": 2}, "error": "killed"}, "failed"),
    ],
    ids=["succeeded", "failed", "failed with partial result"],
)
def test_finish_records_the_outcome_and_frees_the_slot(
    jobs: JobStore, outcome: dict[str, Any], status: str
) -> None:
    job = jobs.start("finetune", PARAMS)
    finished = jobs.finish(job.id, **outcome)
    assert finished.status == status
    assert finished.result == outcome.get("result")
    assert finished.error == outcome.get("error")
    assert finished.updated_at >= job.updated_at
    assert jobs.get(job.id) == finished
    assert jobs.running() is None
    assert jobs.start("finetune", PARAMS).id > job.id


def test_a_second_start_raises_with_the_running_job(jobs: JobStore) -> None:
    job = jobs.start("finetune", PARAMS)
    jobs.progress(job.id, {"epoch": 1})
    with pytest.raises(JobRunning, match=f"job {job.id} \\(finetune\\) is running") as caught:
        jobs.start("finetune", {"epochs": 1})
    assert caught.value.job == jobs.get(job.id)
    assert caught.value.job.progress == {"epoch": 1}


def test_concurrent_starts_let_exactly_one_through(jobs: JobStore, store: SampleStore) -> None:
    def start(index: int) -> Job | JobRunning:
        try:
            # Each thread its own store, as each process would have.
            return JobStore(store.engine).start("finetune", {"thread": index})
        except JobRunning as refused:
            return refused

    outcomes = in_threads(8, start)
    started = [outcome for outcome in outcomes if isinstance(outcome, Job)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, JobRunning)]
    assert len(started) == 1
    assert len(refused) == 7
    assert all(refusal.job.id == started[0].id for refusal in refused)
    assert jobs.running() == started[0]


def test_a_stale_job_is_failed_and_taken_over(jobs: JobStore, store: SampleStore) -> None:
    dead = jobs.start("finetune", PARAMS)
    age(store, dead.id, timedelta(minutes=2))
    with pytest.raises(JobRunning):
        jobs.start("finetune", PARAMS)  # two minutes is not stale by default
    fresh = jobs.start("finetune", PARAMS, stale_after=timedelta(minutes=1))
    assert jobs.running() == fresh
    failed = jobs.get(dead.id)
    assert failed is not None
    assert failed.status == "failed"
    assert failed.error == "no progress for more than 0:01:00, presumed dead"
    with pytest.raises(ValueError, match=f"job {dead.id} is not running: it failed"):
        jobs.progress(dead.id, {"epoch": 3})  # its worker wakes up and must stop


def test_concurrent_takeovers_of_a_stale_job_let_one_through(
    jobs: JobStore, store: SampleStore
) -> None:
    dead = jobs.start("finetune", PARAMS)
    age(store, dead.id, timedelta(hours=1))

    def start(index: int) -> Job | JobRunning:
        try:
            return jobs.start("finetune", {"thread": index})
        except JobRunning as refused:
            return refused

    started = [outcome for outcome in in_threads(8, start) if isinstance(outcome, Job)]
    assert len(started) == 1
    assert jobs.running() == started[0]
    assert jobs.get(dead.id).status == "failed"  # type: ignore[union-attr]


def test_unknown_jobs(jobs: JobStore) -> None:
    assert jobs.get(12345) is None
    assert jobs.running() is None
    with pytest.raises(ValueError, match="no job with id 12345"):
        jobs.progress(12345, {})
    with pytest.raises(ValueError, match="no job with id 12345"):
        jobs.finish(12345)


def test_a_finished_job_cannot_finish_again(jobs: JobStore) -> None:
    job = jobs.start("finetune", PARAMS)
    jobs.finish(job.id, result={"version": "v2"})
    with pytest.raises(ValueError, match=f"job {job.id} is not running: it succeeded"):
        jobs.finish(job.id, error="late")
    assert jobs.get(job.id).error is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda jobs: jobs.start("", {}), "kind must be 1 to 32 characters"),
        (lambda jobs: jobs.start("k" * 33, {}), "kind must be 1 to 32 characters"),
        (lambda jobs: jobs.start("finetune", [1]), "params must be a dict, got list"),
        (lambda jobs: jobs.start("finetune", {"x": float("inf")}), "params must be plain JSON"),
        (
            lambda jobs: jobs.start("finetune", {}, stale_after=timedelta(0)),
            "stale_after must be positive",
        ),
    ],
)
def test_bad_starts_are_refused(
    jobs: JobStore, call: Callable[[JobStore], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(jobs)
    assert jobs.running() is None


def test_bad_progress_and_results_are_refused(jobs: JobStore) -> None:
    job = jobs.start("finetune", PARAMS)
    with pytest.raises(ValueError, match="progress must be plain JSON"):
        jobs.progress(job.id, {"loss": float("nan")})
    with pytest.raises(ValueError, match="result must be a dict, got str"):
        jobs.finish(job.id, result="done")  # type: ignore[arg-type]
    assert jobs.running() == job


@pytest.mark.parametrize(
    ("status", "slot"),
    [("running", 1), ("failed", 1), ("running", None), ("paused", None)],
    ids=["a second running job", "a slot without running", "running without slot", "bad status"],
)
def test_the_database_itself_enforces_the_slot(
    jobs: JobStore, store: SampleStore, status: str, slot: int | None
) -> None:
    jobs.start("finetune", PARAMS)
    insert = text(
        "INSERT INTO jobs (kind, status, running_slot, params, progress, created_at, updated_at) "
        "VALUES ('finetune', :status, :slot, '{}', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(insert, {"status": status, "slot": slot})
