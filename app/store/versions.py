"""The model registry: immutable model versions, the active pointer and its history.

A version holds a model card (JSON) and the ``.npz`` weights (bytes); once stored it never
changes and is never deleted. One row of ``active_model`` names the version every server
process should use; each activation (rollbacks too) is also appended to ``model_activations``.
Like :class:`~app.store.samples.SampleStore`, each method is one session and returns plain
dataclasses. Concurrent writers are safe on both backends: inserts use ``ON CONFLICT``, and
every write transaction starts with a write, so SQLite takes its lock (waiting for it) first.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from app.store.tables import (
    ACTIVE_MODEL_ID,
    MODEL_VERSION_LENGTH,
    ActiveModelRow,
    ModelActivationRow,
    ModelVersionRow,
    as_utc,
    check_json_object,
)


@dataclass(frozen=True, kw_only=True)
class ModelVersion:
    """A stored model version, without its weights (see :meth:`ModelRegistry.weights`)."""

    version: str
    parent: str | None
    """The version it was fine-tuned from, or None for a model trained from scratch."""
    created_at: datetime
    """When it was stored, timezone-aware UTC."""
    card: dict[str, Any]
    """The model card, as given."""
    active: bool
    """Whether it was the active version when read."""


class ModelRegistry:
    """The model versions in one database (the engine of a ``SampleStore``); thread-safe."""

    def __init__(self, engine: Engine) -> None:
        """Use ``engine`` as it is; its schema must be migrated (``open_store`` does that)."""
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add(
        self, *, version: str, parent: str | None, card: dict[str, Any], weights: bytes
    ) -> ModelVersion:
        """Store a new version and return it.

        Adding a stored version again with the same weights returns the stored one; with
        other weights it raises ``ValueError``, as does a ``parent`` that is not stored.
        """
        _check_version(version, "version")
        if parent is not None and self.get(_check_version(parent, "parent")) is None:
            # Versions are never deleted, so checking before the transaction is enough.
            raise ValueError(f"parent {parent!r} is not a stored model version")
        with self._sessions.begin() as session:
            row = _insert_version(session, version, parent, card, weights)
            return _to_version(row, active=_active_in(session) == version)

    def get(self, version: str) -> ModelVersion | None:
        """The version with this id, or None."""
        with self._sessions() as session:
            row = session.get(ModelVersionRow, version)
            return None if row is None else _to_version(row, active=_active_in(session) == version)

    def weights(self, version: str) -> bytes | None:
        """The ``.npz`` bytes of this version, exactly as added, or None if there is none."""
        with self._sessions() as session:
            return session.scalar(
                select(ModelVersionRow.weights).where(ModelVersionRow.version == version)
            )

    def active(self) -> str | None:
        """The active version id, or None before the first activation (one primary-key read)."""
        with self._sessions() as session:
            return _active_in(session)

    def activate(self, version: str) -> ModelVersion:
        """Make ``version`` the active one and log it; raise ``ValueError`` if it is not stored."""
        if self.get(version) is None:
            raise ValueError(f"cannot activate {version!r}: not a stored model version")
        now = datetime.now(UTC)
        pointer = {"id": ACTIVE_MODEL_ID, "version": version, "activated_at": now}
        with self._sessions.begin() as session:
            # The pointer first: its row lock orders concurrent activations and their log.
            upsert = _insert(session, ActiveModelRow).values(pointer)
            session.execute(
                upsert.on_conflict_do_update(
                    index_elements=[ActiveModelRow.id],
                    set_={"version": version, "activated_at": now},
                )
            )
            session.add(ModelActivationRow(version=version, activated_at=now))
            row = session.get_one(ModelVersionRow, version)
            return _to_version(row, active=True)

    def activations(self, limit: int = 50) -> list[tuple[str, datetime]]:
        """The last ``limit`` activations as (version, when in UTC), newest first."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        query = (
            select(ModelActivationRow.version, ModelActivationRow.activated_at)
            .order_by(ModelActivationRow.id.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return [(version, as_utc(when)) for version, when in session.execute(query)]

    def seed(self, *, version: str, card: dict[str, Any], weights: bytes) -> str:
        """Add the shipped model if missing and activate it if nothing is active yet.

        One transaction, meant for every server process at start: concurrent calls store one
        row, activate at most once, and all return the same active version id.
        """
        with self._sessions.begin() as session:
            _insert_version(session, _check_version(version, "version"), None, card, weights)
            now = datetime.now(UTC)
            pointer = {"id": ACTIVE_MODEL_ID, "version": version, "activated_at": now}
            claim = _insert(session, ActiveModelRow).values(pointer)
            claimed = session.scalar(
                claim.on_conflict_do_nothing(index_elements=[ActiveModelRow.id]).returning(
                    ActiveModelRow.id
                )
            )
            if claimed is not None:
                session.add(ModelActivationRow(version=version, activated_at=now))
                return version
            return session.execute(select(ActiveModelRow.version)).scalar_one()

    # Last: in the class body below it, ``list`` would name this method, not the type.
    def list(self) -> list[ModelVersion]:
        """Every version, newest first (by creation time, then by version id)."""
        query = (
            select(ModelVersionRow, ActiveModelRow.id)
            .outerjoin(ActiveModelRow, ActiveModelRow.version == ModelVersionRow.version)
            .order_by(ModelVersionRow.created_at.desc(), ModelVersionRow.version.desc())
        )
        with self._sessions() as session:
            return [
                _to_version(row, active=active_id is not None)
                for row, active_id in session.execute(query)
            ]


def _insert(session: Session, table: type[ModelVersionRow] | type[ActiveModelRow]) -> Any:
    """An INSERT for ``table`` in the session's dialect, which has ``on_conflict_*``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _insert_version(
    session: Session, version: str, parent: str | None, card: dict[str, Any], weights: bytes
) -> ModelVersionRow:
    """Insert the version unless it is stored; return its row, checking the weights match."""
    if not isinstance(weights, bytes) or not weights:
        raise ValueError(f"weights must be non-empty bytes, got {type(weights).__name__}")
    values = {
        "version": version,
        "parent": parent,
        "created_at": datetime.now(UTC),
        "card": check_json_object(card, "card"),
        "weights": weights,
    }
    statement = _insert(session, ModelVersionRow).values(values)
    session.execute(statement.on_conflict_do_nothing(index_elements=[ModelVersionRow.version]))
    row = session.get_one(ModelVersionRow, version)
    if row.weights != weights:
        raise ValueError(f"version {version!r} exists with other weights")
    return row


def _active_in(session: Session) -> str | None:
    return session.scalar(
        select(ActiveModelRow.version).where(ActiveModelRow.id == ACTIVE_MODEL_ID)
    )


def _to_version(row: ModelVersionRow, *, active: bool) -> ModelVersion:
    return ModelVersion(
        version=row.version,
        parent=row.parent,
        created_at=as_utc(row.created_at),
        card=row.card,
        active=active,
    )


def _check_version(value: object, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    if len(value) > MODEL_VERSION_LENGTH:
        raise ValueError(
            f"{name} must be at most {MODEL_VERSION_LENGTH} characters, got {len(value)}"
        )
    return value
