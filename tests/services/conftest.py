"""The store fixtures, on SQLite and PostgreSQL (see tests/store/conftest.py)."""

from tests.store.conftest import (  # noqa: F401
    database_url,
    other_database_url,
    postgres_admin,
    store,
)
