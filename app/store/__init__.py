"""Storage of labelled drawings: SQLAlchemy 2 and Alembic, SQLite or PostgreSQL.

The store owns all SQL. Open it with ``open_store(url)``; everything it returns is a plain
dataclass. See ``samples.py`` for the samples, ``versions.py`` for the model registry,
``jobs.py`` for background jobs, ``moderation.py`` for statuses and blocked ids,
and ``db.py`` for engines and migrations. The registry and
the job store share the sample store's engine: ``ModelRegistry(store.engine)``.
"""

from app.store.db import StoreUnavailableError
from app.store.jobs import Job, JobRunning, JobStore
from app.store.moderation import ModerationStore
from app.store.records import NewNumber, NewSample, Page, Sample, Stats, StoredNumber, Verdict
from app.store.samples import SampleStore, open_store
from app.store.tables import SAMPLE_STATUSES
from app.store.versions import ModelRegistry, ModelVersion

__all__ = [
    "SAMPLE_STATUSES",
    "Job",
    "JobRunning",
    "JobStore",
    "ModelRegistry",
    "ModelVersion",
    "ModerationStore",
    "NewNumber",
    "NewSample",
    "Page",
    "Sample",
    "SampleStore",
    "Stats",
    "StoreUnavailableError",
    "StoredNumber",
    "Verdict",
    "open_store",
]
