"""From a database URL to a ready SQLAlchemy engine whose schema is up to date.

Two backends: SQLite (``sqlite:///PATH`` or in-memory ``sqlite://``) and PostgreSQL through
psycopg 3 (``postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB``; a bare ``postgresql://`` is
taken to mean psycopg too). Every SQLite connection gets WAL journaling, foreign keys, a busy
timeout and ``synchronous=NORMAL``. :func:`migrate` runs Alembic's ``upgrade head`` under a
lock, so two processes starting at once do not race to create the tables.
"""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
"""How long an SQLite writer waits for another one to finish before giving up."""
POSTGRES_CONNECT_TIMEOUT_S = 5
"""How long connecting to PostgreSQL may take, unless the URL sets ``connect_timeout``."""
MIGRATION_LOCK_KEY = int.from_bytes(b"digitpad", "big")
"""PostgreSQL advisory-lock key held while migrating: any fixed bigint, here the name's bytes."""


class StoreUnavailableError(RuntimeError):
    """The database cannot be reached: server down, wrong host or credentials, unwritable file."""


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``, configured for its backend; nothing is connected yet.

    Raises ``ValueError`` for a URL that is malformed or names another kind of database.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(
            f"not a database URL: {url!r}; expected sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB"
        ) from exc
    if parsed.drivername == "sqlite":
        engine = _sqlite_engine(parsed)
    elif parsed.drivername in ("postgresql", "postgresql+psycopg"):
        engine = _postgres_engine(parsed)
    else:
        raise ValueError(
            f"unsupported database driver {parsed.drivername!r} in "
            f"{parsed.render_as_string(hide_password=True)}; use sqlite or postgresql+psycopg"
        )
    event.listen(engine, "handle_error", _unavailable)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is there already).

    Runs in one transaction that first takes a lock: a PostgreSQL advisory lock, or SQLite's
    write lock (``BEGIN IMMEDIATE``). A second process waits, then finds nothing to do.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        _lock_for_migration(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def check_connection(engine: Engine) -> None:
    """Run ``SELECT 1``; raise :class:`StoreUnavailableError` if the database does not answer.

    (Every engine made here turns operational errors into StoreUnavailableError.)"""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _sqlite_engine(url: URL) -> Engine:
    if url.database in (None, "", ":memory:"):
        # One shared connection, so that every session sees the same in-memory database.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _set_sqlite_pragmas(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # The busy timeout comes first: switching to WAL may have to wait for another writer.
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _postgres_engine(url: URL) -> Engine:
    connect_args = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
    return create_engine(
        url.set(drivername="postgresql+psycopg"), pool_pre_ping=True, connect_args=connect_args
    )


def _lock_for_migration(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    else:
        # pysqlite has not sent BEGIN yet (it does so lazily, before the first write).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _unavailable(context: ExceptionContext) -> StoreUnavailableError | None:
    """An operational error (server down or gone, file unwritable, lock timeout) becomes
    StoreUnavailableError, wherever it happens: the web layer answers it with 503."""
    if not isinstance(context.sqlalchemy_exception, OperationalError):
        return None
    return unavailable_error(context.engine, context.original_exception)


def unavailable_error(engine: Engine | None, error: BaseException) -> StoreUnavailableError:
    """The StoreUnavailableError for the driver's ``error`` on ``engine``'s database."""
    where = engine.url.render_as_string(hide_password=True) if engine else "?"
    return StoreUnavailableError(f"cannot use the database {where}: {error}")
