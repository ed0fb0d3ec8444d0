"""GPU traces: PyTorch profiler (Kineto) trace summaries, their kernels and API calls.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import efficiency.store.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_DATETIME = efficiency.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "gpu_traces",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("service", sa.String(length=200), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("start_at", UTC_DATETIME, nullable=False),
        sa.Column("end_at", UTC_DATETIME, nullable=False),
        sa.Column("time_source", sa.String(length=16), nullable=False),
        sa.Column("duration_us", sa.Float(), nullable=False),
        sa.Column("device_name", sa.String(length=200), nullable=False),
        sa.Column("kernel_count", sa.Integer(), nullable=False),
        sa.Column("gpu_time_us", sa.Float(), nullable=False),
        sa.Column("span_us", sa.Float(), nullable=True),
        sa.Column("idle_us", sa.Float(), nullable=True),
        sa.Column("compute_us", sa.Float(), nullable=True),
        sa.Column("non_compute_us", sa.Float(), nullable=True),
        sa.Column("summary", JSON_DOC, nullable=False),
        sa.Column("received_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gpu_traces")),
        sa.UniqueConstraint(
            "service", "content_sha256", name=op.f("uq_gpu_traces_service_content_sha256")
        ),
    )
    op.create_index(
        "ix_gpu_traces_service_start", "gpu_traces", ["service", "start_at"], unique=False
    )

    op.create_table(
        "gpu_kernels",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("trace_id", BIG_ID, nullable=False),
        sa.Column("device", sa.Integer(), nullable=False),
        sa.Column("stream", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total_us", sa.Float(), nullable=False),
        sa.Column("mean_us", sa.Float(), nullable=False),
        sa.Column("min_us", sa.Float(), nullable=False),
        sa.Column("max_us", sa.Float(), nullable=False),
        sa.Column("grid", sa.String(length=64), nullable=False),
        sa.Column("block", sa.String(length=64), nullable=False),
        sa.Column("occupancy_pct", sa.Float(), nullable=True),
        sa.Column("registers_per_thread", sa.Integer(), nullable=True),
        sa.Column("shared_memory", sa.Integer(), nullable=True),
        sa.Column("bytes", sa.BigInteger(), nullable=True),
        sa.Column("copy_kind", sa.String(length=16), nullable=False),
        sa.Column("memory", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["trace_id"],
            ["gpu_traces.id"],
            name=op.f("fk_gpu_kernels_trace_id_gpu_traces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gpu_kernels")),
    )
    op.create_index(op.f("ix_gpu_kernels_trace_id"), "gpu_kernels", ["trace_id"], unique=False)

    op.create_table(
        "gpu_api_calls",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("trace_id", BIG_ID, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total_us", sa.Float(), nullable=False),
        sa.Column("max_us", sa.Float(), nullable=False),
        sa.Column("ops", JSON_DOC, nullable=False),
        sa.ForeignKeyConstraint(
            ["trace_id"],
            ["gpu_traces.id"],
            name=op.f("fk_gpu_api_calls_trace_id_gpu_traces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gpu_api_calls")),
    )
    op.create_index(op.f("ix_gpu_api_calls_trace_id"), "gpu_api_calls", ["trace_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_gpu_api_calls_trace_id"), table_name="gpu_api_calls")
    op.drop_table("gpu_api_calls")
    op.drop_index(op.f("ix_gpu_kernels_trace_id"), table_name="gpu_kernels")
    op.drop_table("gpu_kernels")
    op.drop_index("ix_gpu_traces_service_start", table_name="gpu_traces")
    op.drop_table("gpu_traces")
