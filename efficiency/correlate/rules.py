"""The correlator's configuration: when to open an incident and how much each piece of evidence
weighs. One frozen dataclass whose fields document themselves, validated on construction (an
error, not an ``assert``, so it survives ``python -O``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class CorrelationRules:
    #: records further apart than this in event time never share an edge
    window: timedelta = timedelta(minutes=5)
    #: labels that must be equal for two alerts to be in one incident (Alertmanager's group_by,
    #: but as a constraint on the evidence graph rather than the whole grouping)
    group_by: tuple[str, ...] = ()
    #: open an incident only once it has this many distinct alerts ...
    open_after_alerts: int = 1
    #: ... or as soon as one alert has at least this severity (None: the count rule only)
    open_at_severity: str | None = "critical"
    #: a group of detections without any alert opens an incident
    open_on_detection: bool = False
    #: ... and so does a group holding a metric anomaly with at least this score, whatever
    #: ``open_on_detection`` says (None: never), so a metric-only problem is an incident
    open_on_anomaly_score: float | None = 0.9
    #: an edge is "strong" (joins groups) from this total weight on
    strong_edge: float = 1.0
    #: a strong component with at least this many nodes and several plausible roots is split
    #: by community detection
    split_min_nodes: int = 4
    #: modularity resolution for the split (1: plain modularity; above 1 favours more, smaller
    #: communities); fragments without a root are folded back whatever it is
    resolution: float = 1.0
    #: an alert bucket can be the root of a failure of its own (and makes a bucket it precedes
    #: along a dependency a caller) only with at least this share of the alerts of the largest
    #: bucket in its strong component: a few background alerts start no failure
    root_support: float = 0.2
    #: a dependency taking off no later than its dependent + this slack (and no more than a
    #: window earlier) reads as a cascade
    cascade_slack: timedelta = timedelta(seconds=30)
    #: with no call graph (no services file, call metrics or peer labels) and a fleet that runs
    #: a copy of its services per location, a group taking off at most this long after a
    #: well-supported group of its location is read as its cascade
    #: (:mod:`efficiency.correlate.takeoff`); None: never
    takeoff_lag: timedelta | None = timedelta(seconds=60)
    #: a bucket's onset, for the cascade order, is this quantile of its alerts' start times
    #: (0: the first alert): stray early alerts of the service folded into the bucket do not
    #: move it
    onset_quantile: float = 0.1
    #: labels that place a deployment: alerts of one service with other values of these are
    #: another deployment of it (another region's database), folded and joined apart
    location_labels: tuple[str, ...] = ("cluster", "region")
    #: labels by which an alert names the service its calls go to (service-mesh and span
    #: metrics); a value naming another service is a dependency edge
    #: (:mod:`efficiency.correlate.peers`), used with or without a services file
    peer_labels: tuple[str, ...] = (
        "destination_service",
        "destination_workload",
        "destination_app",
        "dst_service",
        "dst_deployment",
        "peer_service",
        "peer.service",
        "upstream_service",
        "upstream",
        "callee",
    )
    #: a change at most this long before an alert's onset is a suspect for it
    change_lookback: timedelta = timedelta(minutes=30)
    #: a new incident sharing alerts with a resolved one this recent links to it
    recurrence_horizon: timedelta = timedelta(hours=24)
    #: evidence weights (see :func:`efficiency.correlate.graph.edge_weight`)
    same_service: float = 1.0
    dependency: float = 1.0
    dependency_reversed: float = 0.3
    cooccurrence: float = 0.6
    time_proximity: float = 0.3
    common_change: float = 1.5
    label_weights: dict[str, float] = field(
        default_factory=lambda: {
            "host": 0.5,
            "gpu_node": 0.6,
            "node": 0.5,
            "cluster": 0.1,
            "region": 0.05,
        }
    )
    #: labels selective enough to propose candidate pairs (cluster and region are not: every
    #: alert of a cluster would be paired with every other one)
    index_labels: tuple[str, ...] = ("host", "gpu_node", "node")

    def __post_init__(self) -> None:
        if self.window <= timedelta(0):
            raise ValueError("window must be positive")
        if self.open_after_alerts < 1:
            raise ValueError("open_after_alerts must be at least 1")
        if self.split_min_nodes < 2:
            raise ValueError("split_min_nodes must be at least 2")
        if self.strong_edge <= 0:
            raise ValueError("strong_edge must be positive")
        if not 0.0 <= self.onset_quantile <= 1.0:
            raise ValueError("onset_quantile must be in [0, 1]")
        if self.resolution <= 0:
            raise ValueError("resolution must be positive")
        if self.open_on_anomaly_score is not None and not 0 <= self.open_on_anomaly_score <= 1:
            raise ValueError("open_on_anomaly_score must be in [0, 1]")
        if self.takeoff_lag is not None and self.takeoff_lag <= timedelta(0):
            raise ValueError("takeoff_lag must be positive")
        if not 0.0 <= self.root_support <= 1.0:
            raise ValueError("root_support must be in [0, 1]")
