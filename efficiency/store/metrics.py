"""Metric series (name + labels) and their points."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from efficiency.store.base import Base
from efficiency.store.types import BigId, JSONDoc, UTCDateTime


class MetricSeries(Base):
    __tablename__ = "metric_series"

    #: content hash of name + sorted labels
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200), index=True)
    labels: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    #: canonical ``k=v,k=v`` form of the labels, for display and search
    labels_key: Mapped[str] = mapped_column(Text, default="")


class MetricPoint(Base):
    __tablename__ = "metric_points"

    series_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("metric_series.id", ondelete="CASCADE"), primary_key=True
    )
    ts: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    value: Mapped[float] = mapped_column(Float)
