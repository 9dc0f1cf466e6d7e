"""Contributed numbers: a ``numbers`` table, and each digit's sample pointing at its number.

A number's digits are ordinary samples (each drawn from its own strokes, so fine-tuning
learns from them as from any digit); ``samples.number_id`` and ``number_position`` say
which number and where in it (no foreign key: the store deletes a number's digits with
it, and adding a key would make SQLite copy the whole table).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``numbers`` and the two columns of ``samples`` that point into it."""
    op.create_table(
        "numbers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            primary_key=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("split", sa.JSON(), nullable=False),
        sa.Column("predicted", sa.String(100), nullable=True),
        sa.Column("model_version", sa.String(64), nullable=True),
        sa.Column("source", sa.String(32), nullable=True),
        sa.Column("contributor", sa.String(64), nullable=True),
        sa.Column("idempotency_key", sa.String(128), nullable=True),
        sa.UniqueConstraint("idempotency_key", name="uq_numbers_idempotency_key"),
    )
    op.create_index("ix_numbers_contributor", "numbers", ["contributor"])
    # Nullable columns without a foreign key: a plain ADD COLUMN, which SQLite does without
    # copying the table (the store deletes a number's digits itself).
    op.add_column(
        "samples", sa.Column("number_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"))
    )
    op.add_column("samples", sa.Column("number_position", sa.SmallInteger()))


def downgrade() -> None:
    """Drop the columns, then the table."""
    with op.batch_alter_table("samples") as batch:
        batch.drop_column("number_position")
        batch.drop_column("number_id")
    op.drop_index("ix_numbers_contributor", table_name="numbers")
    op.drop_table("numbers")
