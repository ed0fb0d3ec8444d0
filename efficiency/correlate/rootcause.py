"""Root-cause ranking: which service, host, function or change most likely started an incident.

Each alerting service gets a score from four pieces of evidence, each in [0, 1]:

- **upstream position**: personalized PageRank over the incident's *anomalous subgraph* of the
  dependency graph (only the services that alert), as MicroRCA does (Wu et al. 2020,
  "MicroRCA: Root Cause Localization of Performance Issues in Microservices", NOMS). The walk
  moves from a caller to what it depends on (the reverse of the direction in which a failure
  propagates), so mass gathers where the cascade started; weak backward edges (as in
  CloudRanger, Wang et al. 2018) keep a sink from absorbing everything when the subgraph is
  not a tree. The personalization is each service's alert count, log-damped, so a service
  whose every pod fires does not win on volume alone;
- **earliest onset**: ``exp(-delay / onset_scale)`` of the service's onset (the 10% quantile
  of its alerts' starts) after the earliest onset of a well-supported service: a cause
  precedes its effects;
- **a deploy just before the onset**: the most recent change of the service within
  ``change_lookback`` before its first alert, ``1 - age / lookback``;
- **a function-level regression** (or anomaly) of the service detected near the onset,
  ``1 - p_value``.

Hosts shared by several alerting services, the suspected changes and the regressed functions
are candidates too, scored from the service they belong to, so the ranking reads "payments,
then its deploy v2.3.1, then ``charge()``". A service with only a sliver of the incident's
alerts (below ``min_support`` of the largest service's count) is scaled down: it is a
bystander that joined, not where the cascade started. Every score carries its evidence.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import networkx as nx

from efficiency.correlate.records import (
    AlertRecord,
    ChangeRecord,
    DetectionRecord,
    RootCause,
    Topology,
)


@dataclass(frozen=True)
class RankingWeights:
    pagerank: float = 0.45
    onset: float = 0.30
    deploy: float = 0.15
    regression: float = 0.10
    #: delay after the incident's first alert at which the onset evidence falls to 1/e
    onset_scale: timedelta = timedelta(seconds=60)
    change_lookback: timedelta = timedelta(minutes=30)
    #: weight of the backward (dependency -> caller) edges relative to the forward ones
    backward: float = 0.2
    damping: float = 0.85
    #: a service with fewer alerts than this share of the largest service's count is scaled
    #: down in proportion
    min_support: float = 0.2


def upstream_scores(
    alert_counts: dict[str, int], topology: Topology, weights: RankingWeights
) -> dict[str, float]:
    """Personalized PageRank on the anomalous subgraph, scaled so the top service has 1."""
    services = sorted(alert_counts)
    walk = nx.DiGraph()
    walk.add_nodes_from(services)
    deps = topology.dependencies
    for a in services:
        if a not in deps:
            continue
        for b in deps.successors(a):
            if b in alert_counts and b != a:
                walk.add_edge(a, b, weight=1.0)
                if not deps.has_edge(b, a):
                    walk.add_edge(b, a, weight=weights.backward)
    for service in services:
        # a service none of whose dependencies alert keeps most of its mass (a self edge, as
        # in CloudRanger) instead of handing it all back to its callers
        if not any(deps.has_edge(service, b) for b in walk.successors(service)):
            walk.add_edge(service, service, weight=1.0)
    personalization = {s: 1.0 + math.log(max(alert_counts[s], 1)) for s in services}
    rank = nx.pagerank(
        walk, alpha=weights.damping, personalization=personalization, weight="weight"
    )
    top = max(rank.values(), default=0.0) or 1.0
    return {s: rank[s] / top for s in services}


def _onsets(alerts: Iterable[AlertRecord], quantile: float = 0.1) -> dict[str, datetime]:
    """Each service's onset: the ``quantile`` of its alerts' start times, not the minimum, so
    one stray earlier alert of a service (background noise that joined the incident) does not
    make it look like the first to fail."""
    starts: dict[str, list[datetime]] = defaultdict(list)
    for alert in alerts:
        if alert.service:
            starts[alert.service].append(alert.starts_at)
    onset = {}
    for service, times in starts.items():
        times.sort()
        onset[service] = times[int(quantile * (len(times) - 1))]
    return onset


def _latest_deploy(
    service: str, onset: datetime, changes: Sequence[ChangeRecord], lookback: timedelta
) -> tuple[float, ChangeRecord | None]:
    best: ChangeRecord | None = None
    for change in changes:
        recent = onset - lookback <= change.at <= onset
        if change.service == service and recent and (best is None or change.at > best.at):
            best = change
    if best is None:
        return 0.0, None
    return 1.0 - (onset - best.at) / lookback, best


def _regression(
    service: str, onset: datetime, detections: Sequence[DetectionRecord], lookback: timedelta
) -> tuple[float, DetectionRecord | None]:
    best: tuple[float, DetectionRecord] | None = None
    for det in detections:
        if det.service != service or det.kind == "improvement":
            continue
        if abs(det.onset_at - onset) > lookback:
            continue
        score = 1.0 - (det.p_value if det.p_value is not None else 0.0)
        if best is None or score > best[0]:
            best = (score, det)
    return (0.0, None) if best is None else best


def _host_candidates(alerts: Sequence[AlertRecord], n_services: int) -> list[RootCause]:
    """A host on which several alerting services fire is a suspect of its own (a bad node)."""
    services_on: dict[str, set[str]] = defaultdict(set)
    for alert in alerts:
        host = alert.labels.get("host") or alert.labels.get("gpu_node")
        if host and alert.service:
            services_on[host].add(alert.service)
    out = []
    for host, services in services_on.items():
        if len(services) >= 2:
            share = len(services) / max(n_services, 1)
            out.append(RootCause("host", host, 0.5 * share, {"services_on_host": sorted(services)}))
    return out


def rank_root_causes(
    alerts: Sequence[AlertRecord],
    detections: Sequence[DetectionRecord],
    changes: Sequence[ChangeRecord],
    topology: Topology,
    weights: RankingWeights | None = None,
) -> list[RootCause]:
    """Ranked candidates for one incident, best first (ties broken by name, deterministic)."""
    weights = weights or RankingWeights()
    onset = _onsets(alerts)
    for det in detections:
        if det.service and (det.service not in onset or det.onset_at < onset[det.service]):
            onset[det.service] = det.onset_at
    if not onset:
        return []
    counts: dict[str, int] = defaultdict(int)
    for alert in alerts:
        if alert.service:
            counts[alert.service] += 1
    for service in onset:
        counts.setdefault(service, 0)
    upstream = upstream_scores(dict(counts), topology, weights)
    largest = max(counts.values()) or 1
    support_of = {s: min(1.0, (counts[s] or 1) / (weights.min_support * largest)) for s in onset}
    # delays count from the first service with full support, not from a bystander's alert
    first = min((onset[s] for s in onset if support_of[s] >= 1.0), default=min(onset.values()))
    scale = weights.onset_scale.total_seconds()
    candidates: list[RootCause] = []
    for service in sorted(onset):
        delay = max((onset[service] - first).total_seconds(), 0.0)
        early = math.exp(-delay / scale)
        deploy, change = _latest_deploy(service, onset[service], changes, weights.change_lookback)
        regression, det = _regression(service, onset[service], detections, weights.change_lookback)
        # a service with a sliver of the incident's alerts is a bystander, not a cause
        support = support_of[service]
        score = support * (
            weights.pagerank * upstream[service]
            + weights.onset * early
            + weights.deploy * deploy
            + weights.regression * regression
        )
        evidence: dict[str, Any] = {
            "onset_at": onset[service].isoformat(),
            "onset_delay_s": delay,
            "alerts": counts[service],
            "support": round(support, 4),
            "upstream": round(upstream[service], 4),
            "deploy": None,
            "regression": None,
        }
        if change is not None:
            evidence["deploy"] = {
                "change_id": change.id,
                "version": change.version,
                "at": change.at.isoformat(),
                "minutes_before_onset": (onset[service] - change.at).total_seconds() / 60,
            }
            candidates.append(
                RootCause(
                    "change",
                    f"{service}@{change.version or change.id}",
                    score * (0.5 + 0.5 * deploy),
                    {"service": service, **evidence["deploy"]},
                )
            )
        if det is not None:
            evidence["regression"] = {
                "detection_id": det.id,
                "function": det.function,
                "p_value": det.p_value,
                "magnitude": det.magnitude,
            }
            if det.function:
                candidates.append(
                    RootCause(
                        "function",
                        f"{service}:{det.function}",
                        score * (0.5 + 0.5 * regression),
                        {"service": service, **evidence["regression"]},
                    )
                )
        candidates.append(RootCause("service", service, score, evidence))
    candidates.extend(_host_candidates(alerts, len(onset)))
    candidates.sort(key=lambda c: (-c.score, c.kind != "service", c.name))
    return candidates
