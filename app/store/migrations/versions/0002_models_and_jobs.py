"""Create model versions (with the active pointer and activation log) and background jobs.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _big_id() -> sa.Column[int]:
    """BIGINT identity on PostgreSQL; on SQLite only INTEGER PRIMARY KEY auto-increments."""
    return sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), sa.Identity(), primary_key=True
    )


def _version_column(name: str, *, nullable: bool) -> sa.Column[str]:
    return sa.Column(name, sa.String(64), nullable=nullable)


def upgrade() -> None:
    """Create ``model_versions``, ``active_model``, ``model_activations`` and ``jobs``."""
    op.create_table(
        "model_versions",
        _version_column("version", nullable=False),
        _version_column("parent", nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("weights", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("version"),
        sa.ForeignKeyConstraint(
            ["parent"], ["model_versions.version"], name="fk_model_versions_parent"
        ),
    )
    op.create_index("ix_model_versions_created_at", "model_versions", ["created_at", "version"])
    op.create_table(
        "active_model",
        sa.Column("id", sa.Integer(), autoincrement=False, primary_key=True),
        _version_column("version", nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_active_model_single_row"),
        sa.ForeignKeyConstraint(
            ["version"], ["model_versions.version"], name="fk_active_model_version"
        ),
    )
    op.create_table(
        "model_activations",
        _big_id(),
        _version_column("version", nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["version"], ["model_versions.version"], name="fk_model_activations_version"
        ),
    )
    op.create_table(
        "jobs",
        _big_id(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("running_slot", sa.SmallInteger(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('running', 'succeeded', 'failed')", name="ck_jobs_status"),
        sa.CheckConstraint(
            "(status = 'running' AND running_slot IS NOT NULL AND running_slot = 1) "
            "OR (status <> 'running' AND running_slot IS NULL)",
            name="ck_jobs_running_slot",
        ),
        sa.UniqueConstraint("running_slot", name="uq_jobs_running_slot"),
    )


def downgrade() -> None:
    """Drop the four tables and everything stored in them."""
    op.drop_table("jobs")
    op.drop_table("model_activations")
    op.drop_table("active_model")
    op.drop_index("ix_model_versions_created_at", table_name="model_versions")
    op.drop_table("model_versions")
