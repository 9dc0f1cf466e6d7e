"""An app from the factory, on a temporary SQLite file, driven in-process."""

import atexit
import functools
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from app.config import Settings, get_settings
from app.services.model_versions import seed
from app.store import ModelRegistry, open_store
from app.web.app import create_app
from app.web.middleware.observability import configure_logging
from tests.needs import missing

ADMIN_TOKEN = "test-admin-token"
REDIS_URL_VARIABLE = "DIGITPAD_TEST_REDIS_URL"
START_HINT = 'start a server with: eval "$(bash .ci/start-redis)"'


def seven() -> list[list[list[float]]]:
    """A 7 with a crossbar on a 280x280 canvas: three strokes."""
    return [
        [[60.0 + 7 * i, 50.0] for i in range(21)],
        [[200.0 - 4 * i, 50.0 + 9 * i] for i in range(21)],
        [[110.0 + 4 * i, 140.0] for i in range(16)],
    ]


def one() -> list[list[list[float]]]:
    """A plain vertical stroke: a 1."""
    return [[[140.0, 40.0 + 10 * i] for i in range(21)]]


def strokes_body(strokes: list[list[list[float]]], **extra: object) -> dict[str, object]:
    return {"strokes": strokes, "canvas": {"width": 280, "height": 280}, **extra}


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for an app in ``tmp_path``. Unless ``database_url`` or ``model_dir`` is
    given, its database starts as a copy of `first_started` (if it is not there yet)."""
    values: dict[str, object] = {
        "database_url": f"sqlite:///{tmp_path / 'samples.db'}",
        "admin_token": ADMIN_TOKEN,
        **overrides,
    }
    database = tmp_path / "samples.db"
    if not {"database_url", "model_dir"} & set(overrides) and not database.exists():
        tmp_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(first_started(), database)
    return Settings(**values)  # type: ignore[arg-type]


@functools.cache
def first_started() -> Path:
    """An SQLite file as an app's first start leaves it (migrated, the shipped model
    stored and active), made once per test process: a copy of it is much quicker to start
    on than a new file, into which every app would migrate and store the model (a real
    first start on an empty database is what the server tests and tests/store do)."""
    folder = Path(tempfile.mkdtemp(prefix="digitpad-first-start-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "samples.db"
    store = open_store(f"sqlite:///{path}")
    seed(ModelRegistry(store.engine), get_settings().model_dir)
    store.close()  # the last connection closed: the write-ahead log is in the file
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """``caplog``, receiving the ``digitpad`` loggers too (they do not propagate to the
    root; pytest attaches to such loggers only if they existed when the test started)."""
    configure_logging()
    logger = logging.getLogger("digitpad")
    attach = caplog.handler not in logger.handlers
    if attach:
        logger.addHandler(caplog.handler)
    yield caplog
    if attach:
        logger.removeHandler(caplog.handler)


@pytest.fixture(scope="module")
def redis_url() -> str:
    """The test Redis server's URL, from DIGITPAD_TEST_REDIS_URL: unset, the test is
    skipped (failed under CI=true); set but not answering, it fails."""
    url = os.environ.get(REDIS_URL_VARIABLE)
    if not url:
        missing(f"{REDIS_URL_VARIABLE} is not set; {START_HINT}")
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=5) as connection:
            connection.ping()
    except redis.RedisError as error:
        pytest.fail(f"{REDIS_URL_VARIABLE} is set but the server does not answer: {error}")
    return url


def a_client() -> tuple[str, int]:
    """A client address no other test (or earlier run) has used, for counts kept in Redis."""
    return (f"test-{uuid.uuid4().hex}", 50000)
