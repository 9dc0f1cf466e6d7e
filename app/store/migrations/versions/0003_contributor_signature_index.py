"""A covering index for a contributor's signature: (contributor, label, id).

Before each prediction that names a contributor, `SampleStore.contributor_signature`
sums their samples' ids and labels. With an index on the contributor alone, the database
reads every one of their rows for the label, strokes and pixels with it (some 4 KB a
drawing); with the label and id in the index, it reads the index only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 00:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Replace the contributor index by one that covers the signature's columns."""
    op.create_index("ix_samples_contributor_label_id", "samples", ["contributor", "label", "id"])
    op.drop_index("ix_samples_contributor", table_name="samples")


def downgrade() -> None:
    """Back to the index on the contributor alone."""
    op.create_index("ix_samples_contributor", "samples", ["contributor"])
    op.drop_index("ix_samples_contributor_label_id", table_name="samples")
