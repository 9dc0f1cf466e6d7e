"""Create the samples table: one row per labelled drawing.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``samples`` with its checks, unique idempotency key and indexes."""
    op.create_table(
        "samples",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            primary_key=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("label", sa.SmallInteger(), nullable=False),
        sa.Column("pixels", sa.LargeBinary(), nullable=False),
        sa.Column("strokes", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("canvas_width", sa.Float(), nullable=True),
        sa.Column("canvas_height", sa.Float(), nullable=True),
        sa.Column("predicted", sa.SmallInteger(), nullable=True),
        sa.Column("probabilities", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("model_version", sa.String(64), nullable=True),
        sa.Column("source", sa.String(32), nullable=True),
        sa.Column("contributor", sa.String(64), nullable=True),
        sa.Column("idempotency_key", sa.String(128), nullable=True),
        sa.CheckConstraint("label BETWEEN 0 AND 9", name="ck_samples_label_digit"),
        sa.CheckConstraint(
            "predicted IS NULL OR predicted BETWEEN 0 AND 9", name="ck_samples_predicted_digit"
        ),
        sa.CheckConstraint("length(pixels) = 784", name="ck_samples_pixels_28x28"),
        sa.UniqueConstraint("idempotency_key", name="uq_samples_idempotency_key"),
    )
    op.create_index("ix_samples_label_id", "samples", ["label", "id"])
    op.create_index("ix_samples_contributor", "samples", ["contributor"])


def downgrade() -> None:
    """Drop ``samples`` and everything stored in it."""
    op.drop_index("ix_samples_contributor", table_name="samples")
    op.drop_index("ix_samples_label_id", table_name="samples")
    op.drop_table("samples")
