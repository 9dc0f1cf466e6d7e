"""Storage of labelled drawings: SQLAlchemy 2 and Alembic, SQLite or PostgreSQL.

The store owns all SQL. Open it with ``open_store(url)``; everything it returns is a plain
dataclass. See ``samples.py`` for the repository and ``db.py`` for engines and migrations.
"""

from app.store.db import StoreUnavailableError
from app.store.samples import NewSample, Page, Sample, SampleStore, Stats, open_store

__all__ = [
    "NewSample",
    "Page",
    "Sample",
    "SampleStore",
    "Stats",
    "StoreUnavailableError",
    "open_store",
]
