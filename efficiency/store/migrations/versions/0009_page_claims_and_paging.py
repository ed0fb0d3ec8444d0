"""Page claims name their owner; indexes for keyset paging of incidents and detections.

``pages.claimed_by`` says which worker process holds a claimed page (host, boot, pid and
process start), so a restarted daemon can take back at once the pages its killed
predecessor claimed instead of waiting for their lease to end. The two indexes serve the
newest-first pages of ``incidents list`` / ``GET /api/v1/incidents`` (``--status all``) and
``detections list``.

Revision ID: 0009
Revises: 0004
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=200), nullable=True))
    op.create_index("ix_incidents_opened_id", "incidents", ["opened_at", "id"], unique=False)
    op.create_index("ix_detections_onset_id", "detections", ["onset_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_detections_onset_id", table_name="detections")
    op.drop_index("ix_incidents_opened_id", table_name="incidents")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("claimed_by")
