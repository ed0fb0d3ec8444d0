"""The correlator's mutable view of one incident: its members, status and ranking, as
:class:`~efficiency.correlate.Correlator` builds it and the correlate stage restores it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from efficiency.correlate.records import (
    AlertRecord,
    ChangeRecord,
    DetectionRecord,
    RootCause,
    severity_rank,
)


@dataclass
class Incident:
    """The correlator's mutable view of one incident."""

    key: str
    status: str  #: pending | open | acknowledged | resolved
    group: tuple[str, ...] | None
    alerts: dict[str, AlertRecord] = field(default_factory=dict)
    detections: dict[int, DetectionRecord] = field(default_factory=dict)
    changes: dict[int, ChangeRecord] = field(default_factory=dict)
    previous_incident: str | None = None
    opened_at: datetime | None = None
    resolved_at: datetime | None = None
    severity: str = "warning"
    root_causes: tuple[RootCause, ...] = ()
    #: the key of the incident this one was merged into (it is resolved then)
    merged_into: str | None = None

    @property
    def first_at(self) -> datetime:
        times = [a.starts_at for a in self.alerts.values()]
        times += [d.onset_at for d in self.detections.values()]
        return min(times)

    @property
    def last_at(self) -> datetime:
        times = [a.ends_at or a.starts_at for a in self.alerts.values()]
        times += [d.onset_at for d in self.detections.values()]
        return max(times)

    @property
    def services(self) -> tuple[str, ...]:
        names = {a.service for a in self.alerts.values()} | {
            d.service for d in self.detections.values()
        }
        return tuple(sorted(n for n in names if n))

    def max_severity(self) -> str:
        levels = [a.level for a in self.alerts.values()] or ["warning"]
        return max(levels, key=severity_rank)
