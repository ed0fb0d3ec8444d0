"""Incident lifecycle: silences, flapping and silenced state, row-id watermarks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import efficiency.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_DATETIME = efficiency.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "silences",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("matchers", JSON_DOC, nullable=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=False),
        sa.Column("ends_at", UTC_DATETIME, nullable=True),
        sa.Column("recurrence", JSON_DOC, nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expired_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_silences")),
    )
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(
            sa.Column("flapping", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("silenced", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("watermarks") as batch:
        batch.add_column(sa.Column("position", BIG_ID, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("watermarks") as batch:
        batch.drop_column("position")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("silenced")
        batch.drop_column("flapping")
    op.drop_table("silences")
