"""The correlate stage's lifecycle timers: what moves an incident without new records
arriving. An incident auto-resolves once every member alert has resolved and nothing new
came for ``resolve_quiet``; an alert that fired ``flap_count`` times within ``flap_window``
is flapping, and its incident is not auto-resolved meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from efficiency.config import CorrelateConfig
from efficiency.correlate.correlator import Incident as Group


@dataclass(frozen=True)
class Lifecycle:
    """Timers that move incidents without new records arriving."""

    #: auto-resolve this long after the last member alert resolved / the last detection
    resolve_quiet: timedelta = timedelta(minutes=5)
    #: an alert fired this many times ...
    flap_count: int = 4
    #: ... within this window is flapping; its incident is not auto-resolved meanwhile
    flap_window: timedelta = timedelta(hours=1)


def lifecycle_from_config(cfg: CorrelateConfig) -> Lifecycle:
    return Lifecycle(
        resolve_quiet=timedelta(seconds=cfg.resolve_quiet_seconds),
        flap_count=cfg.flap_count,
        flap_window=timedelta(seconds=cfg.flap_window_seconds),
    )


def quiet_since(group: Group, lifecycle: Lifecycle, now: datetime) -> datetime | None:
    """When ``group`` auto-resolves, if it does by ``now``: every alert resolved, and
    nothing (alert end, detection onset) newer than ``resolve_quiet`` ago. The time is
    the end of the quiet period, so a replay resolves at the same instant."""
    if not group.alerts or any(a.status != "resolved" for a in group.alerts.values()):
        return None
    last = max(a.ends_at or a.starts_at for a in group.alerts.values())
    if group.detections:
        last = max(last, max(d.onset_at for d in group.detections.values()))
    at = last + lifecycle.resolve_quiet
    return at if at <= now else None
