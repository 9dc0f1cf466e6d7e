"""Engines, SQLite settings, migrations and reachability."""

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from app.store import NewSample, SampleStore, StoreUnavailableError, open_store
from app.store.db import MIGRATION_LOCK_KEY, MIGRATIONS_DIR, create_store_engine
from app.store.tables import Base

UNREACHABLE_POSTGRES = "postgresql+psycopg://digitpad:secret-pw@127.0.0.1:1/digitpad"


def blank_sample(label: int = 5) -> NewSample:
    return NewSample(label=label, pixels=np.zeros((28, 28), np.uint8))


def schema_differences(store: SampleStore, metadata: MetaData) -> list[object]:
    with store.engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), metadata))


def test_sqlite_settings_apply_to_every_connection(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'digitpad.db'}")
    try:
        with store.engine.connect() as first, store.engine.connect() as second:
            for connection in (first, second):
                pragma = connection.exec_driver_sql
                assert pragma("PRAGMA journal_mode").scalar() == "wal"
                assert pragma("PRAGMA foreign_keys").scalar() == 1
                assert pragma("PRAGMA busy_timeout").scalar() == 5000
                assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        store.close()


def test_the_sqlite_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "digitpad.db"
    open_store(f"sqlite:///{path}").close()
    assert path.is_file()


def test_in_memory_sqlite_is_one_database_for_all_sessions_and_threads() -> None:
    store = open_store("sqlite://")
    try:
        added = store.add(blank_sample())
        thread = threading.Thread(target=lambda: store.add(blank_sample(6)))
        thread.start()
        thread.join()
        assert store.get(added.id) is not None
        assert store.stats().total == 2
    finally:
        store.close()


def test_opening_twice_keeps_the_data_and_one_schema_version(database_url: str) -> None:
    first = open_store(database_url)
    added = first.add(blank_sample())
    first.close()
    second = open_store(database_url)
    try:
        assert second.get(added.id) is not None
        with second.engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert versions.scalars().all() == ["0005"]
    finally:
        second.close()


@contextmanager
def migration_lock_held(database_url: str) -> Iterator[None]:
    """Hold the lock that ``migrate`` takes, as another process migrating would."""
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:key)")
            connection.execute(lock, {"key": MIGRATION_LOCK_KEY})
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield
    engine.dispose()


def test_a_second_process_waits_for_the_migration_lock(database_url: str) -> None:
    open_store(database_url).close()  # the schema exists: only the lock can hold us up
    opened: list[SampleStore] = []
    opener = threading.Thread(target=lambda: opened.append(open_store(database_url)))
    with migration_lock_held(database_url):
        opener.start()
        opener.join(timeout=0.5)
        assert opener.is_alive(), "open_store did not wait for the migration lock"
    opener.join(timeout=30)
    assert len(opened) == 1
    opened[0].close()


def test_migrations_create_exactly_the_models_schema(store: SampleStore) -> None:
    assert schema_differences(store, Base.metadata) == []


def test_the_schema_comparison_notices_a_difference(store: SampleStore) -> None:
    metadata = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    Table("samples", metadata, Column("extra", Integer), extend_existing=True)
    assert [diff[0] for diff in schema_differences(store, metadata)] == ["add_column"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("label", "pixel_count", "predicted"),
    [(12, 784, None), (3, 784, 10), (3, 783, None)],
    ids=["label out of range", "predicted out of range", "pixels one byte short"],
)
def test_the_database_itself_enforces_the_checks(
    store: SampleStore, label: int, pixel_count: int, predicted: int | None
) -> None:
    insert = text(
        "INSERT INTO samples (created_at, label, pixels, predicted) "
        "VALUES (CURRENT_TIMESTAMP, :label, :pixels, :predicted)"
    )
    parameters = {"label": label, "pixels": bytes(pixel_count), "predicted": predicted}
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(insert, parameters)


def test_downgrade_then_upgrade(store: SampleStore) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        assert "samples" not in inspect(connection).get_table_names()
        command.upgrade(config, "head")
        assert "samples" in inspect(connection).get_table_names()


def test_ping_answers_when_the_database_is_there(store: SampleStore) -> None:
    store.ping()


def test_ping_raises_when_the_server_is_unreachable() -> None:
    store = SampleStore(create_store_engine(UNREACHABLE_POSTGRES))
    with pytest.raises(StoreUnavailableError, match="cannot use the database") as caught:
        store.ping()
    assert "secret-pw" not in str(caught.value)
    store.close()


def test_ping_raises_when_the_sqlite_folder_is_gone(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'gone' / 'digitpad.db'}")
    store.close()
    shutil.rmtree(tmp_path / "gone")
    with pytest.raises(StoreUnavailableError, match="unable to open database file"):
        store.ping()


def test_the_revision_lookup_raises_as_the_engine_does(tmp_path: Path) -> None:
    # It goes to the driver's connection directly (revisions.current), not through the engine.
    unreachable = SampleStore(create_store_engine(UNREACHABLE_POSTGRES))
    with pytest.raises(StoreUnavailableError, match="cannot use the database") as caught:
        unreachable.contributor_revision("someone")
    assert "secret-pw" not in str(caught.value)
    unreachable.close()
    store = open_store(f"sqlite:///{tmp_path / 'gone' / 'digitpad.db'}")
    store.close()
    shutil.rmtree(tmp_path / "gone")
    with pytest.raises(StoreUnavailableError, match="unable to open database file"):
        store.contributor_revision("someone")


def test_open_store_raises_when_the_server_is_unreachable() -> None:
    with pytest.raises(StoreUnavailableError, match=r"127\.0\.0\.1:1/digitpad"):
        open_store(UNREACHABLE_POSTGRES)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "not a database URL"),
        ("mysql://user@localhost/db", "unsupported database driver 'mysql'"),
        ("postgresql+psycopg2://user@localhost/db", "unsupported database driver"),
    ],
)
def test_bad_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        open_store(url)


def test_a_bare_postgresql_url_uses_psycopg() -> None:
    engine = create_store_engine("postgresql://user@localhost/db")
    assert engine.dialect.driver == "psycopg"
