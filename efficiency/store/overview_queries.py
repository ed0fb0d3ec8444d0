"""The overview's counts, each one GROUP BY in SQL: active incidents by status and severity,
pages by action and state since a time, and the costliest hot spots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from efficiency.store.incidents import Incident, Page
from efficiency.store.remediation import Hotspot


def incident_counts(session: Session) -> list[dict[str, Any]]:
    """Open and acknowledged incidents per (status, severity)."""
    rows = session.execute(
        select(Incident.status, Incident.severity, func.count())
        .where(Incident.status.in_(("open", "acknowledged")))
        .group_by(Incident.status, Incident.severity)
    ).all()
    return [{"status": s, "severity": v, "count": int(n)} for s, v, n in rows]


def page_counts(session: Session, since: datetime) -> list[dict[str, Any]]:
    """Pages planned since ``since`` per (action, state): sent, pending (retrying), failed
    for good, suppressed by a silence."""
    rows = session.execute(
        select(Page.action, Page.state, func.count())
        .where(Page.created_at >= since)
        .group_by(Page.action, Page.state)
    ).all()
    return [{"action": a, "state": s, "count": int(n)} for a, s, n in rows]


def top_hotspots(session: Session, limit: int = 10) -> list[dict[str, Any]]:
    """The ``limit`` hot spots with the most cores and the ``limit`` with the most GPU-hours
    (per hour of their period), costliest first by each."""
    hours = func.nullif(
        (func.julianday(Hotspot.period_end) - func.julianday(Hotspot.period_start)) * 24
        if session.get_bind().dialect.name == "sqlite"
        else func.extract("epoch", Hotspot.period_end - Hotspot.period_start) / 3600,
        0,
    )
    columns = (Hotspot.id, Hotspot.service, Hotspot.frame, Hotspot.runtime, Hotspot.share_self,
               Hotspot.cost_cores, Hotspot.cost_gpu_hours, Hotspot.playbooks)  # fmt: skip
    cpu = session.execute(
        select(*columns, hours)
        .where(Hotspot.cost_cores.is_not(None))
        .order_by(Hotspot.cost_cores.desc())
        .limit(limit)
    ).all()
    gpu = session.execute(
        select(*columns, hours)
        .where(Hotspot.cost_gpu_hours > 0)
        .order_by((Hotspot.cost_gpu_hours / hours).desc())
        .limit(limit)
    ).all()
    seen: dict[str, dict[str, Any]] = {}
    for r in [*cpu, *gpu]:
        seen[r.id] = {
            "id": r.id, "service": r.service, "frame": r.frame, "runtime": r.runtime,
            "share": r.share_self, "cores": r.cost_cores or 0.0,
            "gpus": (r.cost_gpu_hours or 0.0) / float(r[-1]) if r[-1] else 0.0,
            "playbooks": list(r.playbooks),
        }  # fmt: skip
    return list(seen.values())
