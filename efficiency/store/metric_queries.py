"""Read side of metric points: the series of a time range as one long table; the labels of
the series that carry given label names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from efficiency.store.metrics import MetricPoint, MetricSeries


def metric_points_frame(
    session: Session, start: datetime, end: datetime, names: Sequence[str] = ()
) -> pd.DataFrame:
    """Points with ``start <= ts <= end`` (of the series called one of ``names``, if given):
    columns ``series_id, name, labels_key, labels, ts, value``, by series and time."""
    rows = session.execute(
        select(
            MetricPoint.series_id,
            MetricSeries.name,
            MetricSeries.labels_key,
            MetricSeries.labels,
            MetricPoint.ts,
            MetricPoint.value,
        )
        .join(MetricSeries, MetricSeries.id == MetricPoint.series_id)
        .where(MetricPoint.ts >= start, MetricPoint.ts <= end)
        .where(*([MetricSeries.name.in_(list(names))] if names else []))
        .order_by(MetricPoint.series_id, MetricPoint.ts)
    ).all()
    columns = ["series_id", "name", "labels_key", "labels", "ts", "value"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    frame["value"] = frame["value"].astype("float64")
    return frame


def latest_metric_ts(session: Session) -> datetime | None:
    """The newest metric point: how far metric data reaches in event time."""
    return session.execute(select(func.max(MetricPoint.ts))).scalar_one()


def series_labels_with(session: Session, names: Sequence[str]) -> list[dict[str, Any]]:
    """The labels of every series that carries one of the label ``names`` (empty: none)."""
    if not names:
        return []
    # labels_key is ``k=v,k=v`` sorted by name: a label is present where ``name=`` starts
    # the key or follows a comma
    matches = [MetricSeries.labels_key.startswith(f"{n}=") for n in names]
    matches += [MetricSeries.labels_key.contains(f",{n}=") for n in names]
    return list(session.scalars(select(MetricSeries.labels).where(or_(*matches))))
