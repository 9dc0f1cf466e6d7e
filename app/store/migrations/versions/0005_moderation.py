"""Moderation: a status, support, trust and evidence for every sample; contributors, with
the revision of their drawings (what the personal pad checks) and whether they are blocked.

Existing samples get a NULL status ("not scored yet"); the server and ``digitpad
moderate`` score them on their first run. Plain nullable columns, which SQLite adds
without copying the table; the store checks the status values.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the moderation columns and their index, and the ``contributors`` table."""
    op.add_column("samples", sa.Column("status", sa.String(16)))
    op.add_column("samples", sa.Column("status_by", sa.String(16)))
    op.add_column("samples", sa.Column("status_at", sa.DateTime(timezone=True)))
    op.add_column("samples", sa.Column("support", sa.Float()))
    op.add_column("samples", sa.Column("trust", sa.Float()))
    op.add_column("samples", sa.Column("evidence", sa.JSON()))
    op.create_index("ix_samples_status_id", "samples", ["status", "id"])
    # A contributor's signature leaves rejected samples out: with the status in the index,
    # it is still read from the index alone.
    op.create_index(
        "ix_samples_contributor_label_id_status",
        "samples",
        ["contributor", "label", "id", "status"],
    )
    op.drop_index("ix_samples_contributor_label_id", table_name="samples")
    op.create_table(
        "contributors",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("revision", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True),
    )
    # Every contributor with drawings starts at revision 1 (revisions.py).
    op.execute(
        "INSERT INTO contributors (id, revision) "
        "SELECT DISTINCT contributor, 1 FROM samples WHERE contributor IS NOT NULL"
    )


def downgrade() -> None:
    """Drop the table, the index and the columns."""
    op.drop_table("contributors")
    op.create_index("ix_samples_contributor_label_id", "samples", ["contributor", "label", "id"])
    op.drop_index("ix_samples_contributor_label_id_status", table_name="samples")
    op.drop_index("ix_samples_status_id", table_name="samples")
    with op.batch_alter_table("samples") as batch:
        for column in ("evidence", "trust", "support", "status_at", "status_by", "status"):
            batch.drop_column(column)
