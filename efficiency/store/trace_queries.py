"""Read side of GPU traces: per-kernel GPU time of every trace in a time range."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from efficiency.store.traces import GpuKernel, GpuTrace


def kernel_times_frame(session: Session, start: datetime, end: datetime) -> pd.DataFrame:
    """One row per (trace, GPU operation name) for traces starting in [start, end): columns
    ``trace_id, service, host, start_at, name, kind, total_us, gpu_time_us, rank,
    duration_us`` (the operation's time summed over streams and launch shapes, the trace's
    whole GPU busy time, its GPU rank and how long it lasted)."""
    keys = (
        GpuTrace.id,
        GpuTrace.service,
        GpuTrace.host,
        GpuTrace.start_at,
        GpuKernel.name,
        GpuKernel.kind,
    )
    rows = session.execute(
        select(
            *keys,
            func.sum(GpuKernel.total_us),
            GpuTrace.gpu_time_us,
            GpuTrace.rank,
            GpuTrace.duration_us,
        )
        .join(GpuKernel, GpuKernel.trace_id == GpuTrace.id)
        .where(GpuTrace.start_at >= start, GpuTrace.start_at < end)
        .group_by(*keys, GpuTrace.gpu_time_us, GpuTrace.rank, GpuTrace.duration_us)
    ).all()
    columns = ["trace_id", "service", "host", "start_at", "name", "kind", "total_us"]
    frame = pd.DataFrame.from_records(
        rows, columns=[*columns, "gpu_time_us", "rank", "duration_us"]
    )
    frame["start_at"] = pd.to_datetime(frame["start_at"], utc=True)
    for col in ("total_us", "gpu_time_us", "duration_us"):
        frame[col] = frame[col].astype("float64")
    return frame


def latest_trace_end(session: Session) -> datetime | None:
    return session.execute(select(func.max(GpuTrace.end_at))).scalar_one()
