"""What each service used, per day, for the capacity outlook: cores from its profile windows
and busy GPU-hours from the GPU metrics, both summed per bucket in SQL.

Cores: per (service, host) and bucket, the CPU-seconds its windows sampled (samples / rate)
over the wall seconds they cover, summed over hosts: the average cores the service kept busy
while profiled. Windows of concurrent processes start together (the agent profiles them in
rounds), so the wall seconds are the windows' summed length divided by the windows per
start; a process restarted in the bucket is then one process, not two.

GPU-hours: per GPU series (``gpu_utilization``, 0..1), the mean utilization times the hours
its points cover; a GPU belongs to the services whose GPU traces came from its host (split
evenly when several did; ``host:NAME`` when none did).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import pandas as pd
from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from efficiency.store.metrics import MetricPoint, MetricSeries
from efficiency.store.profiles import ProfileWindow
from efficiency.store.sqltime import bucket, dialect_of, epoch, from_epoch, seconds_between
from efficiency.store.traces import GpuTrace

DAY = 86_400
GPU_UTILIZATION = "gpu_utilization"


def service_cores(
    session: Session,
    start: datetime,
    end: datetime,
    service: str | None = None,
    bucket_seconds: int = DAY,
) -> pd.DataFrame:
    """Columns ``service, at, cores`` per bucket of windows starting in ``[start, end)``."""
    dialect = dialect_of(session)
    at = bucket(ProfileWindow.start_at, bucket_seconds, dialect).label("at")
    cond = [ProfileWindow.start_at >= start, ProfileWindow.start_at < end,
            ProfileWindow.rate_hz.is_not(None)]  # fmt: skip
    if service:
        cond.append(ProfileWindow.service == service)
    length = seconds_between(ProfileWindow.start_at, ProfileWindow.end_at, dialect)
    hosts = (
        select(
            ProfileWindow.service.label("service"),
            at,
            func.sum(ProfileWindow.total_samples / cast(ProfileWindow.rate_hz, Float)).label("cpu"),
            func.sum(length).label("length"),
            cast(func.count(), Float).label("windows"),
            cast(func.count(func.distinct(ProfileWindow.start_at)), Float).label("rounds"),
        )
        .where(*cond)
        .group_by(ProfileWindow.service, ProfileWindow.host, at)
        .subquery()
    )
    h = hosts.c
    rows = session.execute(
        select(h.service, h.at, func.sum(h.cpu * h.windows / (h.length * h.rounds)))
        .where(h.length > 0)
        .group_by(h.service, h.at)
        .order_by(h.service, h.at)
    ).all()
    return pd.DataFrame(
        [(s, from_epoch(t), float(c)) for s, t, c in rows], columns=["service", "at", "cores"]
    )


def gpu_hosts(session: Session) -> dict[str, list[str]]:
    """Host -> the services whose GPU traces came from it."""
    found: dict[str, set[str]] = defaultdict(set)
    for host, svc in session.execute(select(GpuTrace.host, GpuTrace.service).distinct()):
        found[host].add(svc)
    return {h: sorted(s) for h, s in found.items()}


def service_gpu_hours(
    session: Session, start: datetime, end: datetime, bucket_seconds: int = DAY
) -> pd.DataFrame:
    """Columns ``service, at, gpu_hours`` per bucket: busy GPU-hours of the GPUs on each
    service's hosts (``host:<name>`` for a host no service's trace names)."""
    dialect = dialect_of(session)
    series = {
        sid: labels
        for sid, labels in session.execute(
            select(MetricSeries.id, MetricSeries.labels).where(MetricSeries.name == GPU_UTILIZATION)
        )
    }
    columns = ["service", "at", "gpu_hours"]
    if not series:
        return pd.DataFrame(columns=columns)
    at = bucket(MetricPoint.ts, bucket_seconds, dialect).label("at")
    ts = epoch(MetricPoint.ts, dialect)
    rows = session.execute(
        select(MetricPoint.series_id, at, func.avg(MetricPoint.value), func.min(ts), func.max(ts),
               func.count())
        .where(MetricPoint.series_id.in_(list(series)), MetricPoint.ts >= start,
               MetricPoint.ts < end)
        .group_by(MetricPoint.series_id, at)
    ).all()  # fmt: skip
    owners = gpu_hosts(session)
    out: dict[tuple[str, int], float] = defaultdict(float)
    for sid, t, mean, low, high, n in rows:
        # the points cover their span plus one sampling interval
        step = (high - low) / (n - 1) if n > 1 else 0.0
        hours = min(bucket_seconds, high - low + step) / 3600
        host = str(series[sid].get("host", ""))
        services = owners.get(host) or [f"host:{host}"]
        for svc in services:
            out[(svc, int(t))] += float(mean) * hours / len(services)
    return pd.DataFrame(
        [(s, from_epoch(t), v) for (s, t), v in sorted(out.items())], columns=columns
    )


def latest_data_at(session: Session) -> datetime | None:
    """The newest profile window start or metric point, each found by an index: per service
    the last entry of ``(service, start_at)``, per series the last of ``(series, ts)``."""
    per_service = (
        select(func.max(ProfileWindow.start_at).label("at"))
        .group_by(ProfileWindow.service)
        .subquery()
    )
    newest_point = (
        select(func.max(MetricPoint.ts))
        .where(MetricPoint.series_id == MetricSeries.id)
        .correlate(MetricSeries)
        .scalar_subquery()
    )
    found = [
        session.scalar(select(func.max(per_service.c.at))),
        session.scalar(select(func.max(newest_point))),
    ]
    times = [t for t in found if t is not None]
    return max(times) if times else None
