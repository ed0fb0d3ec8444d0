"""The records the correlator reads and writes: plain dataclasses, no database.

A thin stage builds these from the store (alerts, detections, change events) and writes the
:class:`IncidentUpdate` s back; keeping the core on records is what lets the storm benchmark and
the tests drive it without a database, and lets a replay of last week's records give the same
incidents as living through it (every time here is event time, never the wall clock).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import networkx as nx

#: severities from least to most urgent; an unknown severity ranks with "info"
SEVERITY_ORDER: tuple[str, ...] = ("none", "info", "warning", "error", "critical", "page")


def severity_rank(severity: str) -> int:
    """Position of ``severity`` in :data:`SEVERITY_ORDER` (case-insensitive; unknown -> info)."""
    name = severity.lower()
    return SEVERITY_ORDER.index(name) if name in SEVERITY_ORDER else 1


@dataclass(frozen=True)
class AlertRecord:
    """One alert as Alertmanager sends it; identity is the fingerprint."""

    fingerprint: str
    starts_at: datetime
    status: Literal["firing", "resolved"] = "firing"
    ends_at: datetime | None = None
    labels: dict[str, str] = field(default_factory=dict)
    severity: str = ""

    @property
    def alertname(self) -> str:
        return self.labels.get("alertname", "")

    @property
    def service(self) -> str:
        return self.labels.get("service", "")

    @property
    def level(self) -> str:
        """The severity field, else the ``severity`` label, else "warning"."""
        return self.severity or self.labels.get("severity", "") or "warning"


@dataclass(frozen=True)
class DetectionRecord:
    """A detector's finding: a function-level regression or a metric anomaly."""

    id: int
    kind: str  #: regression | improvement | anomaly
    service: str
    onset_at: datetime
    function: str = ""
    p_value: float | None = None
    magnitude: float | None = None  #: relative change
    suspected_change_id: int | None = None
    score: float | None = None  #: the detector's anomaly score in [0, 1], where it has one


@dataclass(frozen=True)
class ChangeRecord:
    """A deploy or config change of one service."""

    id: int
    service: str
    at: datetime
    kind: str = "deploy"
    version: str = ""


@dataclass
class Topology:
    """What is known about how services relate, beyond the labels of the alerts.

    ``dependencies`` has an edge ``a -> b`` when ``a`` depends on (calls) ``b``, as the services
    YAML declares it; ``cooccurrence`` is the undirected graph :func:`learn_cooccurrence` learns
    from past incidents, with edge ``weight`` in [0, 1].
    """

    dependencies: nx.DiGraph = field(default_factory=nx.DiGraph)
    cooccurrence: nx.Graph = field(default_factory=nx.Graph)

    def neighbours(self, service: str) -> set[str]:
        """Services adjacent to ``service`` in either direction of the dependency graph."""
        deps = self.dependencies
        if service not in deps:
            return set()
        return set(deps.successors(service)) | set(deps.predecessors(service))

    def cooccurrence_weight(self, a: str, b: str) -> float:
        data = self.cooccurrence.get_edge_data(a, b)
        return float(data.get("weight", 0.0)) if data else 0.0


@dataclass(frozen=True)
class RootCause:
    """One ranked candidate for what caused an incident, with the evidence behind the score."""

    kind: Literal["service", "host", "function", "change"]
    name: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "score": self.score, **self.evidence}


@dataclass(frozen=True)
class IncidentUpdate:
    """What changed about one incident in one :meth:`Correlator.add` call (a snapshot).

    ``action`` is ``opened`` the first time the incident passes the opening rules, ``updated``
    when it absorbed records or its severity changed, ``resolved`` / ``acknowledged`` from the
    lifecycle calls, ``merged`` when later evidence showed it is part of another open incident
    and it was closed into that one (``merged_into``); an incident split out of another
    (``split_from``) is ``opened`` or ``updated`` like any new one. ``previous_incident`` is
    the key of the resolved incident this one is a recurrence of.
    """

    action: Literal["opened", "updated", "acknowledged", "resolved", "merged"]
    key: str
    status: str
    severity: str
    title: str
    services: tuple[str, ...]
    opened_at: datetime
    alert_fingerprints: tuple[str, ...]
    detection_ids: tuple[int, ...]
    change_ids: tuple[int, ...]
    root_causes: tuple[RootCause, ...]
    previous_incident: str | None = None
    resolved_at: datetime | None = None
    #: ``merged``: the key of the incident this one was merged into
    merged_into: str | None = None
    #: a new incident split out of an open one (:mod:`efficiency.correlate.split`): its key
    split_from: str | None = None
