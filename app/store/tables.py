"""The database schema, as SQLAlchemy 2 declarative models.

``samples``: one row per labelled drawing (a digit of a contributed number is one too,
pointing at its ``numbers`` row), with its moderation status. ``numbers``: one row per
contributed number. ``contributors``: each contributor's revision, and the ids an admin blocked.
``model_versions``: immutable trained models, with the single-row ``active_model``
pointer and the append-only ``model_activations`` log.
``jobs``: background jobs such as fine-tuning. The Alembic migrations in
``app/store/migrations/versions`` create the same schema by hand; a test compares the two.
Constraint and index names are spelled out so that the migrations can use the same ones.
Two helpers for the repositories: :func:`as_utc` and :func:`check_json_object`.
"""

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PIXEL_BYTES = 28 * 28
"""Length of the ``pixels`` column: a 28x28 uint8 image, row-major."""
MODEL_VERSION_LENGTH = 64
SOURCE_LENGTH = 32
CONTRIBUTOR_LENGTH = 64
IDEMPOTENCY_KEY_LENGTH = 128
NUMBER_LENGTH = 100  # the most digits a stored number may have
JOB_KIND_LENGTH = 32
JOB_STATUS_LENGTH = 16
JOB_STATUSES = ("running", "succeeded", "failed")
SAMPLE_STATUSES = ("accepted", "flagged", "rejected")
DECIDERS = ("moderation", "admin")  # who set a sample's status
STATUS_LENGTH = 16
ACTIVE_MODEL_ID = 1
"""The primary key of the one row of ``active_model``."""
RUNNING_SLOT = 1
"""``jobs.running_slot`` of the running job (NULL for the others); it is unique."""


def as_utc(value: datetime) -> datetime:
    """``value`` as timezone-aware UTC; SQLite hands ``DateTime`` columns back naive (in UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def check_plain_json(value: object, name: str) -> None:
    """``ValueError`` unless ``value`` is plain JSON (no NaN or infinity, no other types)."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be plain JSON: {exc}") from exc


def check_json_object(value: object, name: str) -> dict[str, Any]:
    """``value`` if it is a dict of plain JSON (no NaN or infinity), else ``ValueError``."""
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be a dict, got {type(value).__name__}")
    check_plain_json(value, name)
    return value


def _big_id() -> Mapped[int]:
    """An auto-increment primary key: BIGINT identity on PostgreSQL, INTEGER on SQLite."""
    # On SQLite only INTEGER PRIMARY KEY auto-increments.
    return mapped_column(BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True)


class Base(DeclarativeBase):
    """Base class of digitpad's models; its ``metadata`` is what the migrations must match."""


class NumberRow(Base):
    """One contributed number: its label, and which of its strokes made which digit (the
    digits themselves are samples, ``samples.number_id``)."""

    __tablename__ = "numbers"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_numbers_idempotency_key"),
        Index("ix_numbers_contributor", "contributor"),
    )

    id: Mapped[int] = _big_id()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    label: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    split: Mapped[list[Any]] = mapped_column(JSON)  # per digit, the indices of its strokes
    predicted: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    model_version: Mapped[str | None] = mapped_column(String(MODEL_VERSION_LENGTH))
    source: Mapped[str | None] = mapped_column(String(SOURCE_LENGTH))
    contributor: Mapped[str | None] = mapped_column(String(CONTRIBUTOR_LENGTH))
    idempotency_key: Mapped[str | None] = mapped_column(String(IDEMPOTENCY_KEY_LENGTH))


class SampleRow(Base):
    """One labelled drawing: what the model saw, how it was drawn, and what it predicted."""

    __tablename__ = "samples"
    __table_args__ = (
        CheckConstraint("label BETWEEN 0 AND 9", name="ck_samples_label_digit"),
        CheckConstraint(
            "predicted IS NULL OR predicted BETWEEN 0 AND 9", name="ck_samples_predicted_digit"
        ),
        CheckConstraint(f"length(pixels) = {PIXEL_BYTES}", name="ck_samples_pixels_28x28"),
        UniqueConstraint("idempotency_key", name="uq_samples_idempotency_key"),
        Index("ix_samples_label_id", "label", "id"),
        # With the status, a contributor's signature is read from the index alone.
        Index("ix_samples_contributor_label_id_status", "contributor", "label", "id", "status"),
        Index("ix_samples_status_id", "status", "id"),
    )

    id: Mapped[int] = _big_id()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    label: Mapped[int] = mapped_column(SmallInteger)
    pixels: Mapped[bytes] = mapped_column(LargeBinary)
    # none_as_null: Python None is stored as SQL NULL, not as the JSON value null.
    strokes: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    canvas_width: Mapped[float | None] = mapped_column(Float)
    canvas_height: Mapped[float | None] = mapped_column(Float)
    predicted: Mapped[int | None] = mapped_column(SmallInteger)
    probabilities: Mapped[list[float] | None] = mapped_column(JSON(none_as_null=True))
    model_version: Mapped[str | None] = mapped_column(String(MODEL_VERSION_LENGTH))
    source: Mapped[str | None] = mapped_column(String(SOURCE_LENGTH))
    contributor: Mapped[str | None] = mapped_column(String(CONTRIBUTOR_LENGTH))
    idempotency_key: Mapped[str | None] = mapped_column(String(IDEMPOTENCY_KEY_LENGTH))
    # The number it is a digit of (numbers.id). No foreign key: the store deletes a
    # number with its digits, and adding one (migration 0004) would copy the table on SQLite.
    number_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    number_position: Mapped[int | None] = mapped_column(SmallInteger)  # 0 = leftmost digit
    # Moderation (migration 0005): NULL status = not scored yet. One of SAMPLE_STATUSES,
    # set by one of DECIDERS at status_at; support and trust in [0, 1] (engine.moderation);
    # evidence: what the model read and what other people's drawings said.
    status: Mapped[str | None] = mapped_column(String(STATUS_LENGTH))
    status_by: Mapped[str | None] = mapped_column(String(STATUS_LENGTH))
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    support: Mapped[float | None] = mapped_column(Float)
    trust: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class ContributorRow(Base):
    """A contributor id that saved drawings: the revision of what they saved (see
    revisions.py), and whether an admin blocked them (they contribute no more)."""

    __tablename__ = "contributors"

    id: Mapped[str] = mapped_column(String(CONTRIBUTOR_LENGTH), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ModelVersionRow(Base):
    """One trained model, never changed once stored: its card and its ``.npz`` weights."""

    __tablename__ = "model_versions"
    __table_args__ = (Index("ix_model_versions_created_at", "created_at", "version"),)

    version: Mapped[str] = mapped_column(String(MODEL_VERSION_LENGTH), primary_key=True)
    parent: Mapped[str | None] = mapped_column(
        String(MODEL_VERSION_LENGTH),
        ForeignKey("model_versions.version", name="fk_model_versions_parent"),
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Up to a few MB: loaded only when asked for.
    weights: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class ActiveModelRow(Base):
    """The single row naming the model every server process should use."""

    __tablename__ = "active_model"
    __table_args__ = (
        CheckConstraint(f"id = {ACTIVE_MODEL_ID}", name="ck_active_model_single_row"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[str] = mapped_column(
        String(MODEL_VERSION_LENGTH),
        ForeignKey("model_versions.version", name="fk_active_model_version"),
    )
    activated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ModelActivationRow(Base):
    """One activation (or rollback) of a model version; rows are only ever appended."""

    __tablename__ = "model_activations"

    id: Mapped[int] = _big_id()
    version: Mapped[str] = mapped_column(
        String(MODEL_VERSION_LENGTH),
        ForeignKey("model_versions.version", name="fk_model_activations_version"),
    )
    activated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JobRow(Base):
    """One background job; the unique ``running_slot`` lets only one run at a time."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ({})".format(", ".join(f"'{status}'" for status in JOB_STATUSES)),
            name="ck_jobs_status",
        ),
        # IS NOT NULL: a NULL slot would make "running_slot = 1" NULL, which a CHECK lets pass.
        CheckConstraint(
            "(status = 'running' AND running_slot IS NOT NULL "
            f"AND running_slot = {RUNNING_SLOT}) "
            "OR (status <> 'running' AND running_slot IS NULL)",
            name="ck_jobs_running_slot",
        ),
        UniqueConstraint("running_slot", name="uq_jobs_running_slot"),
    )

    id: Mapped[int] = _big_id()
    kind: Mapped[str] = mapped_column(String(JOB_KIND_LENGTH))
    status: Mapped[str] = mapped_column(String(JOB_STATUS_LENGTH))
    running_slot: Mapped[int | None] = mapped_column(SmallInteger)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    progress: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
