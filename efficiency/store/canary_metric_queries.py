"""Read side of the canary's metric and GPU kernel checks: series by name, their points in a
window, and the per-kernel rows of a service's traces that overlap it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from efficiency.store.metrics import MetricPoint, MetricSeries
from efficiency.store.traces import GpuKernel, GpuTrace

_CHUNK = 5000


def series_names(session: Session) -> list[str]:
    return list(session.execute(select(MetricSeries.name).distinct()).scalars())


def series_named(session: Session, names: Collection[str]) -> list[tuple[int, str, dict[str, Any]]]:
    """``(id, name, labels)`` of every series called one of ``names``."""
    out: list[tuple[int, str, dict[str, Any]]] = []
    wanted = sorted(names)
    for i in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(MetricSeries.id, MetricSeries.name, MetricSeries.labels).where(
                MetricSeries.name.in_(wanted[i : i + _CHUNK])
            )
        )
        out += [(int(r.id), str(r.name), dict(r.labels or {})) for r in rows]
    return out


def series_points(
    session: Session, ids: Collection[int], start: datetime | None, end: datetime | None
) -> pd.DataFrame:
    """Points of the series ``ids`` with ``start <= ts <= end`` (either bound optional):
    columns ``series_id, ts, value``."""
    rows: list[Any] = []
    wanted = sorted(ids)
    for i in range(0, len(wanted), _CHUNK):
        q = select(MetricPoint.series_id, MetricPoint.ts, MetricPoint.value).where(
            MetricPoint.series_id.in_(wanted[i : i + _CHUNK])
        )
        if start is not None:
            q = q.where(MetricPoint.ts >= start)
        if end is not None:
            q = q.where(MetricPoint.ts <= end)
        rows += session.execute(q).all()
    frame = pd.DataFrame.from_records(rows, columns=["series_id", "ts", "value"])
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    frame["value"] = frame["value"].astype("float64")
    return frame


def trace_kernels(
    session: Session, service: str, start: datetime | None, end: datetime | None
) -> pd.DataFrame:
    """One row per (trace, GPU operation name) of ``service``'s traces overlapping the window:
    ``trace_id, host, rank, name, kind, count, total_us, gpu_time_us`` (counts and times
    summed over streams and launch shapes; ``gpu_time_us`` is the trace's busy time)."""
    keys = (GpuTrace.id, GpuTrace.host, GpuTrace.rank, GpuKernel.name, GpuKernel.kind)
    q = (
        select(*keys, func.sum(GpuKernel.count), func.sum(GpuKernel.total_us),
               GpuTrace.gpu_time_us)
        .join(GpuKernel, GpuKernel.trace_id == GpuTrace.id)
        .where(GpuTrace.service == service)
        .group_by(*keys, GpuTrace.gpu_time_us)
    )  # fmt: skip
    if start is not None:
        q = q.where(GpuTrace.end_at > start)
    if end is not None:
        q = q.where(GpuTrace.start_at < end)
    columns = ["trace_id", "host", "rank", "name", "kind", "count", "total_us", "gpu_time_us"]
    frame = pd.DataFrame.from_records(session.execute(q).all(), columns=columns)
    for col in ("total_us", "gpu_time_us"):
        frame[col] = frame[col].astype("float64")
    frame["count"] = frame["count"].astype("int64")
    return frame
