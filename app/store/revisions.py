"""Each contributor's revision: a counter bumped in the same transaction as every change
to their drawings that their personal pad sees (a drawing added, deleted, relabelled,
rejected or accepted again). Before each prediction that names a contributor, one lookup
by primary key (`revision`) tells whether what a worker keeps of them is still current:
about a third of the time of the aggregate over their samples it replaces."""

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

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


def revision(connection: Connection, contributor: str) -> int:
    """The contributor's revision: 0 if they never saved a drawing."""
    found = connection.execute(_REVISION, {"id": contributor}).scalar_one_or_none()
    return int(found or 0)
