"""The dashboard: who reviewed a proposal, and each host's newest profile window by index.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import efficiency.store.types

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = efficiency.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(
            sa.Column("reviewed_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("reviewed_at", UTC_DATETIME, nullable=True))
    with op.batch_alter_table("proposals") as batch:
        batch.alter_column("reviewed_by", server_default=None)
    op.create_index(
        "ix_profile_windows_host_end",
        "profile_windows",
        ["host", "service", "end_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_profile_windows_host_end", table_name="profile_windows")
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("reviewed_at")
        batch.drop_column("reviewed_by")
