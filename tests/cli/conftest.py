"""The store fixtures, on SQLite and PostgreSQL (see tests/store/conftest.py), and the
command driven in-process against a database (`use`, `run`)."""

from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner, Result

from app.cli import main
from app.config import get_settings
from tests.store.conftest import (  # noqa: F401
    database_url,
    other_database_url,
    postgres_admin,
    store,
)

UseDatabase = Callable[..., None]


@pytest.fixture
def use(monkeypatch: pytest.MonkeyPatch) -> Iterator[UseDatabase]:
    """Point the command at a database (``DIGITPAD_DATABASE_URL``) and other settings."""

    def point(url: str, **settings: str) -> None:
        monkeypatch.setenv("DIGITPAD_DATABASE_URL", url)
        for name, value in settings.items():
            monkeypatch.setenv(f"DIGITPAD_{name.upper()}", value)
        get_settings.cache_clear()

    yield point
    get_settings.cache_clear()


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)
