"""Incident merges and the audit trail of actions on incidents.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import efficiency.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_DATETIME = efficiency.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("merged_into_id", BIG_ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_incidents_merged_into_id_incidents"), "incidents", ["merged_into_id"],
            ["id"], ondelete="SET NULL",
        )  # fmt: skip
    op.create_table(
        "incident_actions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("incident_id", BIG_ID, nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("detail", JSON_DOC, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_actions_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_actions")),
    )
    op.create_index(
        "ix_incident_actions_incident", "incident_actions", ["incident_id", "at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_incident_actions_incident", table_name="incident_actions")
    op.drop_table("incident_actions")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_constraint(op.f("fk_incidents_merged_into_id_incidents"), type_="foreignkey")
        batch.drop_column("merged_into_id")
