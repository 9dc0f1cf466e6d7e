"""Each contributor's revision: a counter bumped in the same transaction as every change
to their drawings that their personal pad sees (a drawing added, deleted, relabelled,
rejected or accepted again). Before each prediction that names a contributor, one lookup
by primary key (`current`) tells whether what a worker keeps of them is still current."""

from collections.abc import Iterable
from functools import cache

from sqlalchemy import Connection, Dialect, Engine, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from app.store.db import unavailable_error
from app.store.tables import ContributorRow

_REVISION = select(ContributorRow.revision).where(ContributorRow.id == bindparam("id"))


def bump(connection: Connection, contributors: Iterable[str | None]) -> None:
    """Add one to the revision of each named contributor (ids of None are skipped), in
    ``connection``'s transaction; a contributor without a row gets one."""
    ids = sorted({c for c in contributors if c is not None})
    if not ids:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(ContributorRow).values(id=bindparam("cid"), revision=1)
    upsert = upsert.on_conflict_do_update(
        index_elements=[ContributorRow.id],
        set_={"revision": ContributorRow.revision + 1},
    )
    connection.execute(upsert, [{"cid": c} for c in ids])


def current(engine: Engine, contributor: str) -> int:
    """The contributor's revision: 0 if they never saved a drawing.

    It runs before every prediction that names a contributor, so it goes to the driver's
    own connection from ``engine``'s pool and skips SQLAlchemy's Connection around it:
    that wrapper costs a few times the query itself (bench/inference.py). A driver's
    operational error becomes StoreUnavailableError, as through the engine."""
    sql, positional = _driver_sql(engine.dialect)
    driver = engine.dialect.loaded_dbapi
    try:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, (contributor,) if positional else {"id": contributor})
            found = cursor.fetchone()
        finally:
            connection.close()  # back to the pool, its transaction rolled back
    except driver.OperationalError as error:
        raise unavailable_error(engine, error) from error
    return int(found[0]) if found else 0


@cache
def _driver_sql(dialect: Dialect) -> tuple[str, bool]:
    """The lookup as the dialect's driver takes it, and whether its parameters are
    positional (SQLite's ``?``) or named (psycopg's ``%(id)s``)."""
    compiled = _REVISION.compile(dialect=dialect)
    return str(compiled), compiled.positional
