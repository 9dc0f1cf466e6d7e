"""The database schema, as SQLAlchemy 2 declarative models.

One table, ``samples``: one row per labelled drawing. The Alembic migrations in
``app/store/migrations/versions`` create the same schema by hand; a test compares the two.
Constraint and index names are spelled out so that the migrations can use the same ones.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    Identity,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PIXEL_BYTES = 28 * 28
"""Length of the ``pixels`` column: a 28x28 uint8 image, row-major."""
MODEL_VERSION_LENGTH = 64
SOURCE_LENGTH = 32
CONTRIBUTOR_LENGTH = 64
IDEMPOTENCY_KEY_LENGTH = 128


class Base(DeclarativeBase):
    """Base class of digitpad's models; its ``metadata`` is what the migrations must match."""


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
        Index("ix_samples_contributor", "contributor"),
    )

    # BIGINT identity on PostgreSQL; on SQLite only INTEGER PRIMARY KEY auto-increments.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True
    )
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
