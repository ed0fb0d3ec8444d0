"""GPU reads for the dashboard: traces and their breakdowns, top kernels, copies and syncs
(ranked and totalled in SQL), and GPU metric series averaged per time bucket in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from efficiency.store.metrics import MetricPoint, MetricSeries
from efficiency.store.sqltime import bucket, dialect_of, from_epoch
from efficiency.store.traces import GpuApiCall, GpuKernel, GpuTrace


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def list_traces(session: Session, service: str = "", limit: int = 200) -> list[dict[str, Any]]:
    """The newest traces (of ``service``), without their kernels."""
    query = select(GpuTrace).order_by(GpuTrace.start_at.desc(), GpuTrace.id.desc()).limit(limit)
    if service:
        query = query.where(GpuTrace.service == service)
    return [
        {
            "id": t.id,
            "service": t.service,
            "host": t.host,
            "rank": t.rank,
            "file_name": t.file_name,
            "start_at": _iso(t.start_at),
            "duration_us": t.duration_us,
            "device_name": t.device_name,
            "kernel_count": t.kernel_count,
            "gpu_time_us": t.gpu_time_us,
            "span_us": t.span_us,
            "idle_us": t.idle_us,
            "compute_us": t.compute_us,
            "non_compute_us": t.non_compute_us,
        }
        for t in session.scalars(query)
    ]


def trace_services(session: Session) -> list[str]:
    return sorted(session.scalars(select(GpuTrace.service).distinct()))


def trace_detail(session: Session, trace_id: int, top: int = 20) -> dict[str, Any] | None:
    """One trace: its breakdown (``summary``: idle per stream, transfers, syncs, launch
    delays), its ``top`` kernels by GPU time, copies and fills by kind and memory, and the
    host synchronizations."""
    trace = session.get(GpuTrace, trace_id)
    if trace is None:
        return None
    kernels = session.execute(
        select(GpuKernel.name, func.sum(GpuKernel.count), func.sum(GpuKernel.total_us),
               func.max(GpuKernel.max_us), func.avg(GpuKernel.occupancy_pct))
        .where(GpuKernel.trace_id == trace_id, GpuKernel.kind.in_(("compute", "communication")))
        .group_by(GpuKernel.name)
        .order_by(func.sum(GpuKernel.total_us).desc())
        .limit(top)
    ).all()  # fmt: skip
    copies = session.execute(
        select(GpuKernel.kind, GpuKernel.copy_kind, GpuKernel.memory, func.sum(GpuKernel.count),
               func.sum(GpuKernel.bytes), func.sum(GpuKernel.total_us))
        .where(GpuKernel.trace_id == trace_id, GpuKernel.kind.in_(("memcpy", "memset")))
        .group_by(GpuKernel.kind, GpuKernel.copy_kind, GpuKernel.memory)
        .order_by(func.sum(GpuKernel.total_us).desc())
    ).all()  # fmt: skip
    syncs = session.execute(
        select(GpuApiCall.source, GpuApiCall.name, GpuApiCall.count, GpuApiCall.total_us,
               GpuApiCall.max_us, GpuApiCall.ops)
        .where(GpuApiCall.trace_id == trace_id, GpuApiCall.kind == "sync")
        .order_by(GpuApiCall.total_us.desc())
    ).all()  # fmt: skip
    gpu = trace.gpu_time_us or 0.0
    return {
        "id": trace.id,
        "service": trace.service,
        "host": trace.host,
        "file_name": trace.file_name,
        "start_at": _iso(trace.start_at),
        "device_name": trace.device_name,
        "duration_us": trace.duration_us,
        "gpu_time_us": gpu,
        "span_us": trace.span_us,
        "idle_us": trace.idle_us,
        "compute_us": trace.compute_us,
        "non_compute_us": trace.non_compute_us,
        "summary": dict(trace.summary or {}),
        "kernels": [
            {
                "name": n,
                "count": int(c),
                "total_us": float(t),
                "max_us": float(m),
                "share": float(t) / gpu if gpu else 0.0,
                "occupancy_pct": None if o is None else float(o),
            }
            for n, c, t, m, o in kernels
        ],
        "copies": [
            {
                "kind": k,
                "copy_kind": ck,
                "memory": mem,
                "count": int(c),
                "bytes": int(b or 0),
                "total_us": float(t),
            }
            for k, ck, mem, c, b, t in copies
        ],
        "syncs": [
            {
                "source": src,
                "name": n,
                "count": c,
                "total_us": t,
                "max_us": m,
                "ops": dict(ops or {}),
            }
            for src, n, c, t, m, ops in syncs
        ],
    }


def gpu_metric_names(session: Session) -> list[str]:
    return sorted(session.scalars(select(MetricSeries.name).where(MetricSeries.name.like("gpu_%"))))


def metric_series_buckets(
    session: Session, name: str, start: datetime, end: datetime, bucket_seconds: int = 300
) -> pd.DataFrame:
    """Every series called ``name``, averaged (and maxed) per bucket of ``[start, end]``:
    columns ``series, at, mean, max, points``."""
    dialect = dialect_of(session)
    series = dict(
        session.execute(
            select(MetricSeries.id, MetricSeries.labels_key).where(MetricSeries.name == name)
        ).all()
    )
    columns = ["series", "at", "mean", "max", "points"]
    if not series:
        return pd.DataFrame(columns=columns)
    at = bucket(MetricPoint.ts, bucket_seconds, dialect).label("at")
    rows = session.execute(
        select(MetricPoint.series_id, at, func.avg(MetricPoint.value), func.max(MetricPoint.value),
               func.count())
        .where(MetricPoint.series_id.in_(list(series)), MetricPoint.ts >= start,
               MetricPoint.ts <= end)
        .group_by(MetricPoint.series_id, at)
        .order_by(MetricPoint.series_id, at)
    ).all()  # fmt: skip
    records = [(series[sid], from_epoch(t), float(mean), float(mx), int(n))
               for sid, t, mean, mx, n in rows]  # fmt: skip
    return pd.DataFrame(records, columns=columns)


def metric_span(session: Session, name: str) -> tuple[datetime, datetime] | None:
    """First and last point of the series called ``name``: per series one look at each end
    of its primary key (series, time), never a scan of its points."""

    def end(order: Any) -> Any:
        return (
            select(MetricPoint.ts)
            .where(MetricPoint.series_id == MetricSeries.id)
            .order_by(order)
            .limit(1)
            .correlate(MetricSeries)
            .scalar_subquery()
        )

    rows = session.execute(
        select(end(MetricPoint.ts.asc()), end(MetricPoint.ts.desc())).where(
            MetricSeries.name == name
        )
    ).all()
    found = [(low, high) for low, high in rows if low is not None]
    if not found:
        return None
    return min(low for low, _ in found), max(high for _, high in found)
