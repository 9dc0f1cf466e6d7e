"""Store fixtures: every ``store`` test runs once on SQLite and once on PostgreSQL.

SQLite uses a fresh file in the test's temporary folder. PostgreSQL uses the server named by
``DIGITPAD_TEST_POSTGRES_URL`` (``eval "$(bash .ci/start-postgres)"`` starts one): each test
gets a new, empty schema (through ``search_path`` in the URL, with a non-UTC session time
zone), dropped afterwards. Unset, the PostgreSQL cases are skipped, except under ``CI=true``,
where they fail; set but unreachable, they fail.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from app.store import SampleStore, open_store
from tests.needs import missing

POSTGRES_URL_VARIABLE = "DIGITPAD_TEST_POSTGRES_URL"
START_HINT = 'start a server with: eval "$(bash .ci/start-postgres)"'


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An engine on the test server's database, used to create and drop test schemas."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        message = f"{POSTGRES_URL_VARIABLE} is not set; {START_HINT}"
        missing(message)
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        message = f"{POSTGRES_URL_VARIABLE} is set but the server does not answer: {exc.orig}"
        pytest.fail(message, pytrace=False)
    yield engine
    engine.dispose()


@contextmanager
def fresh_schema(admin: Engine, prefix: str, options: str = "") -> Iterator[str]:
    """A URL to a new, empty schema on the test server (``options`` added to the
    session's), dropped when the block ends."""
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(os.environ[POSTGRES_URL_VARIABLE]).update_query_dict(
        {"options": f"-csearch_path={schema} {options}".strip()}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of each backend (the schema is not created yet)."""
    if request.param == "sqlite":
        # A folder that does not exist yet: opening the store must create it.
        yield f"sqlite:///{tmp_path / 'data' / 'digitpad.db'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    # A session time zone other than UTC checks that times come back in UTC regardless.
    with fresh_schema(admin, "test", "-ctimezone=Asia/Kolkata") as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Iterator[SampleStore]:
    """A migrated, empty store on each backend, closed after the test."""
    opened = open_store(database_url)
    yield opened
    opened.close()


@pytest.fixture
def other_database_url(
    database_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """A URL to a second empty database, on the backend of ``database_url`` (for what
    reads one database and writes another)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    with fresh_schema(admin, "other", "-ctimezone=Asia/Kolkata") as url:
        yield url
