"""Hot spots, code-fix proposals and the savings ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from efficiency.store.base import Base
from efficiency.store.types import BigId, JSONDoc, UTCDateTime


class Hotspot(Base):
    __tablename__ = "hotspots"
    __table_args__ = (Index("ix_hotspots_service", "service"),)

    #: stable short id: a hash of service + frame (or kernel)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    service: Mapped[str] = mapped_column(String(200))
    frame_id: Mapped[int | None] = mapped_column(BigId, default=None)
    frame: Mapped[str] = mapped_column(Text)
    runtime: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    share_self: Mapped[float] = mapped_column(Float, default=0.0)
    share_inclusive: Mapped[float] = mapped_column(Float, default=0.0)
    cost_cores: Mapped[float | None] = mapped_column(Float, default=None)
    cost_gpu_hours: Mapped[float | None] = mapped_column(Float, default=None)
    trend: Mapped[float | None] = mapped_column(Float, default=None)
    playbooks: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Proposal(Base):
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    hotspot_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("hotspots.id", ondelete="CASCADE"), index=True
    )
    playbook: Mapped[str] = mapped_column(String(100))
    repo: Mapped[str] = mapped_column(Text, default="")
    branch: Mapped[str] = mapped_column(String(200), default="")
    #: proposed | pushed | opened | merged | rejected | verified
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    diff: Mapped[str] = mapped_column(Text, default="")
    pr_body: Mapped[str] = mapped_column(Text, default="")
    pr_url: Mapped[str] = mapped_column(Text, default="")
    estimated_savings_cores: Mapped[float | None] = mapped_column(Float, default=None)
    estimated_savings_gpu_hours: Mapped[float | None] = mapped_column(Float, default=None)
    realized_savings_cores: Mapped[float | None] = mapped_column(Float, default=None)
    verification: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: who marked it merged or rejected (the dashboard, CLI or API), and when
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Saving(Base):
    """One ledger line: estimated or realized savings of a proposal over a period."""

    __tablename__ = "savings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    proposal_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("proposals.id", ondelete="SET NULL"), default=None
    )
    service: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(200), default="")
    playbook: Mapped[str] = mapped_column(String(100), default="")
    #: estimated | realized
    kind: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    cores: Mapped[float] = mapped_column(Float, default=0.0)
    gpu_hours: Mapped[float] = mapped_column(Float, default=0.0)
    kwh: Mapped[float] = mapped_column(Float, default=0.0)
    dollars: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str] = mapped_column(Text, default="")


class Watermark(Base):
    """How far a stage has processed, in event time, so re-running it creates nothing new."""

    __tablename__ = "watermarks"

    stage: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[datetime] = mapped_column(UTCDateTime)
    #: for stages that follow an append-only table: the last row id processed
    position: Mapped[int | None] = mapped_column(BigId, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
