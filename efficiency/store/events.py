"""Alerts (by Alertmanager fingerprint) and change events (deploys, config changes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from efficiency.store.base import Base
from efficiency.store.types import BigId, JSONDoc, UTCDateTime


class Alert(Base):
    """One firing of an alert: a fingerprint and the time it started.

    Re-notifications of the same firing update ``status``/``ends_at``; a new firing of the same
    rule gets a new ``starts_at`` and so a new row.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("fingerprint", "starts_at"),
        Index("ix_alerts_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: firing | resolved
    status: Mapped[str] = mapped_column(String(16))
    alertname: Mapped[str] = mapped_column(String(200), default="")
    service: Mapped[str] = mapped_column(String(200), default="", index=True)
    severity: Mapped[str] = mapped_column(String(32), default="")
    labels: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    annotations: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    generator_url: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(64), default="alertmanager")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AlertEvent(Base):
    """Each distinct notification state received for an alert (dedup: alert + status)."""

    __tablename__ = "alert_events"
    __table_args__ = (UniqueConstraint("alert_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(BigId, ForeignKey("alerts.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    receiver: Mapped[str] = mapped_column(String(200), default="")
    group_key: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChangeEvent(Base):
    __tablename__ = "change_events"
    __table_args__ = (
        UniqueConstraint("service", "kind", "at", "version", "commit"),
        Index("ix_change_events_service_at", "service", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    service: Mapped[str] = mapped_column(String(200))
    #: deploy | config | rollback | flag | other
    kind: Mapped[str] = mapped_column(String(32), default="deploy")
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[str] = mapped_column(String(200), default="")
    commit: Mapped[str] = mapped_column(String(64), default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(64), default="api")
    labels: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
