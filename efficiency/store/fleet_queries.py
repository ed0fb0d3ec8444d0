"""The fleet: every host that sent profiles or metrics, when it was last heard from, what it
runs, and what its agent says about itself (spool depth, last ship, collector errors).

Each is one aggregate in SQL: the newest window per (host, service) off the
``ix_profile_windows_host_end`` index, and the newest point per series off the points'
primary key, so the page costs the same with a month of data as with a day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from efficiency.store.metrics import MetricPoint, MetricSeries
from efficiency.store.profiles import ProfileWindow

#: the series whose newest point says a host is alive (and what it reports)
HOST_SERIES = ("host_cpu_utilization", "gpu_utilization")
AGENT_PREFIX = "efficiency_agent_"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def profiled_hosts(session: Session) -> list[dict[str, Any]]:
    """Per (host, service): the newest profile window's end and the windows stored."""
    rows = session.execute(
        select(ProfileWindow.host, ProfileWindow.service, func.max(ProfileWindow.end_at),
               func.count())
        .group_by(ProfileWindow.host, ProfileWindow.service)
        .order_by(ProfileWindow.host, ProfileWindow.service)
    ).all()  # fmt: skip
    return [
        {"host": h, "service": s, "last_window_at": _iso(t), "windows": int(n)}
        for h, s, t, n in rows
    ]


def latest_points(session: Session, names: list[str], prefix: str = "") -> list[dict[str, Any]]:
    """The newest point of every series called one of ``names`` (or starting with
    ``prefix``): ``name, labels, at, value``."""

    # per series, one step down the end of its (series, ts) primary key: a correlated
    # subquery each, never a scan of the series' points
    def newest(column: Any) -> Any:
        return (
            select(column)
            .where(MetricPoint.series_id == MetricSeries.id)
            .order_by(MetricPoint.ts.desc())
            .limit(1)
            .correlate(MetricSeries)
            .scalar_subquery()
        )

    wanted = MetricSeries.name.in_(names)
    if prefix:
        wanted = wanted | MetricSeries.name.like(f"{prefix}%")
    rows = session.execute(
        select(MetricSeries.name, MetricSeries.labels, newest(MetricPoint.ts),
               newest(MetricPoint.value)).where(wanted)
    ).all()  # fmt: skip
    return [
        {"name": name, "labels": dict(labels), "at": ts, "value": float(v)}
        for name, labels, ts, v in rows
        if ts is not None
    ]


def fleet(session: Session) -> list[dict[str, Any]]:
    """One row per host: services profiled there, newest window and metric point, and its
    agent's health (``None`` where the agent does not ship it)."""
    hosts: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"services": [], "windows": 0, "last_window_at": None, "last_metric_at": None,
                 "spool_batches": None, "spool_oldest_age_s": None, "spool_dropped": None,
                 "last_ship_at": None, "collector_errors": {}, "gpus": 0}
    )  # fmt: skip
    for row in profiled_hosts(session):
        h = hosts[row["host"]]
        h["services"].append(row["service"])
        h["windows"] += row["windows"]
        h["last_window_at"] = max(filter(None, [h["last_window_at"], row["last_window_at"]]))
    for p in latest_points(session, list(HOST_SERIES), prefix=AGENT_PREFIX):
        name = str(p["labels"].get("host", ""))
        if not name:
            continue
        h = hosts[name]
        at = _iso(p["at"])
        h["last_metric_at"] = max(filter(None, [h["last_metric_at"], at]))
        _agent_field(h, p)
    return [{"host": k, **v} for k, v in sorted(hosts.items())]


def _agent_field(h: dict[str, Any], p: dict[str, Any]) -> None:
    name, value = p["name"], p["value"]
    if name == "gpu_utilization":
        h["gpus"] += 1
    elif name == "efficiency_agent_spool_batches":
        h["spool_batches"] = int(value)
    elif name == "efficiency_agent_spool_oldest_age_seconds":
        h["spool_oldest_age_s"] = value
    elif name == "efficiency_agent_spool_dropped_records":
        h["spool_dropped"] = int(value)
    elif name == "efficiency_agent_last_ship_success_timestamp_seconds" and value > 0:
        h["last_ship_at"] = _iso(datetime.fromtimestamp(value, UTC))
    elif name == "efficiency_agent_collector_errors":
        h["collector_errors"][str(p["labels"].get("collector", "?"))] = int(value)
