"""An incident's description from its members, for incidents a person changed by hand (a
merge, a split): severity, services, title and ranked root causes, computed as the correlator
computes them for the incidents it builds. Pure: records in, a summary out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from efficiency.correlate.graph import Node, alert_buckets, evidence_graph
from efficiency.correlate.records import (
    AlertRecord,
    ChangeRecord,
    DetectionRecord,
    RootCause,
    Topology,
    severity_rank,
)
from efficiency.correlate.rootcause import RankingWeights, rank_root_causes
from efficiency.correlate.rules import CorrelationRules


@dataclass(frozen=True)
class Summary:
    severity: str
    services: tuple[str, ...]
    title: str
    root_causes: tuple[RootCause, ...]


def summarize(
    alerts: Sequence[AlertRecord],
    detections: Sequence[DetectionRecord],
    changes: Sequence[ChangeRecord],
    topology: Topology | None = None,
    weights: RankingWeights | None = None,
) -> Summary:
    """Severity is the highest member alert's (warning without alerts); root causes are
    :func:`~efficiency.correlate.rootcause.rank_root_causes` over the members and the
    suspected ``changes``; the title reads like the correlator's."""
    topology = topology or Topology()
    names = {a.service for a in alerts} | {d.service for d in detections}
    services = tuple(sorted(n for n in names if n))
    levels = [a.level for a in alerts] or ["warning"]
    severity = max(levels, key=severity_rank)
    causes = tuple(
        rank_root_causes(list(alerts), list(detections), list(changes), topology,
                         weights or RankingWeights())
    )  # fmt: skip
    fingerprints = {a.fingerprint for a in alerts}
    n, m = len(fingerprints), len(services)
    title = f"{n} alert{'s' * (n != 1)} on {m} service{'s' * (m != 1)}"
    names = sorted({a.alertname for a in alerts if a.alertname})
    if names:
        title += f" ({', '.join(names[:3])})"
    top = causes[0].name if causes else ", ".join(services)
    title += f"; likely cause: {top}" if top else ""
    return Summary(severity, services, title, causes)


def incident_graph(
    alerts: Sequence[AlertRecord],
    detections: Sequence[DetectionRecord],
    changes: Sequence[ChangeRecord],
    rules: CorrelationRules | None = None,
    topology: Topology | None = None,
) -> nx.Graph:
    """The evidence graph over one incident's members, as the correlator builds it: alert
    buckets, detections and changes as nodes (attribute ``node``), edges weighted by the
    evidence between them (attribute ``weight``, and ``upstream`` for a cascade)."""
    rules = rules or CorrelationRules()
    nodes = alert_buckets(alerts, rules)
    for d in detections:
        suspects = frozenset({d.suspected_change_id}) if d.suspected_change_id else frozenset()
        node = Node(id=f"d{d.id}", kind="detection", services=frozenset({d.service}),
                    start=d.onset_at, end=d.onset_at, changes=suspects, detection=d)  # fmt: skip
        nodes.append(node)
    for c in changes:
        nodes.append(Node(id=f"c{c.id}", kind="change", services=frozenset({c.service}),
                          start=c.at, end=c.at + rules.change_lookback,
                          changes=frozenset({c.id}), change=c))  # fmt: skip
    return evidence_graph(nodes, topology or Topology(), rules)
