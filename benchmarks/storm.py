"""Alert storm: incident grouping and root cause on a synthetic storm with ground truth, against
an Alertmanager-style ``group_by: [alertname, service]`` baseline.

The storm (:func:`generate_storm`) is our own, because no public alert storm comes with the
truth of which alerts belong together. It models what makes storms hard:

- 20 services in three tiers (4 front ends, 8 middle services, 8 data stores) with a fixed
  dependency topology (:func:`storm_topology`), hosts shared between services, GPU nodes,
  two clusters in two regions;
- several independent failures starting *in the same minute*, each at a root service and
  cascading to the services that depend on it (each caller is hit with probability 0.7, 20-90
  s after its dependency), so failures touch each other through hosts, clusters and untaken
  dependency edges; a service is hit by at most one failure (when two failures hit one
  service its alerts are ambiguous even to a human);
- per hit service, alerts of several rules over pods and endpoints, severities mixed;
- flapping: some alerts resolve and fire again within the batch (same fingerprint);
- noise: unrelated background alerts (disk space, certificates, clock skew) on random services
  and hosts over the whole storm span, each source its own ground-truth group;
- deploys just before about half of the failures (at the root) and decoy deploys elsewhere,
  and a function-level regression detection at some roots.

The metrics (pairwise F1, compression, root cause first) are :mod:`benchmarks.storm_metrics`'s;
the section is rendered by :mod:`benchmarks.storm_report`.

Run with ``.venv/bin/python -m benchmarks.storm`` (seconds). It writes the "storm" section of
``docs/benchmarks.md`` (``--no-docs`` leaves it alone). Unit tests never run it;
``tests/benchmarks/test_storm.py`` checks the generator's truth and the metric functions.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import networkx as nx
import numpy as np

from benchmarks.common import load_average, write_section
from benchmarks.storm_metrics import Result, evaluate, pair_counts, pooled
from benchmarks.storm_report import render
from efficiency.correlate import (
    AlertRecord,
    ChangeRecord,
    CorrelationRules,
    Correlator,
    DetectionRecord,
    Topology,
)

T0 = datetime(2024, 5, 6, 14, 0, tzinfo=UTC)

FRONT = ("web", "mobile-bff", "admin", "partner-api")
MIDDLE = ("auth", "cart", "catalog", "search", "orders", "payments", "recommend", "notifications")
DATA = (
    "users-db",
    "cart-redis",
    "catalog-db",
    "search-index",
    "orders-db",
    "payment-gateway",
    "feature-store",
    "message-queue",
)
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "web": ("auth", "cart", "catalog", "search", "recommend"),
    "mobile-bff": ("auth", "cart", "catalog", "orders"),
    "admin": ("auth", "orders", "catalog"),
    "partner-api": ("auth", "orders", "payments"),
    "auth": ("users-db",),
    "cart": ("cart-redis", "catalog"),
    "catalog": ("catalog-db",),
    "search": ("search-index", "catalog"),
    "orders": ("orders-db", "payments", "message-queue"),
    "payments": ("payment-gateway",),
    "recommend": ("feature-store", "catalog"),
    "notifications": ("message-queue", "users-db"),
}
GPU_SERVICES = frozenset({"recommend", "feature-store"})
RULES_BY_TIER = {
    "front": ("HighLatency", "ErrorRate5xx", "SLOBurnRate", "ApdexLow"),
    "middle": ("HighLatency", "ErrorRate5xx", "PodCrashLooping", "SLOBurnRate"),
    "data": ("HighLatency", "ErrorRate", "ConnectionsSaturated", "ReplicationLag"),
}
NOISE_RULES = ("DiskSpaceLow", "CertificateExpiresSoon", "NodeClockSkew", "MemoryHigh")


def storm_topology() -> nx.DiGraph:
    """The 20 services; edge ``a -> b`` when ``a`` depends on ``b``."""
    graph = nx.DiGraph()
    graph.add_nodes_from(FRONT + MIDDLE + DATA)
    for a, deps in DEPENDS_ON.items():
        graph.add_edges_from((a, b) for b in deps)
    return graph


def _tier(service: str) -> str:
    return "front" if service in FRONT else "middle" if service in MIDDLE else "data"


@dataclass
class Storm:
    """One storm batch with its ground truth (``truth[i]`` is the group of ``alerts[i]``)."""

    alerts: list[AlertRecord]
    truth: list[str]
    roots: dict[str, str]  #: failure group -> its root service
    failure_services: dict[str, list[str]]  #: failure group -> services it hit
    changes: list[ChangeRecord] = field(default_factory=list)
    detections: list[DetectionRecord] = field(default_factory=list)
    topology: nx.DiGraph = field(default_factory=storm_topology)


def _placement(rng: np.random.Generator) -> dict[str, dict[str, object]]:
    """Hosts (3 per service from a pool of 24, so hosts are shared), cluster and region."""
    pool = [f"node-{i:02d}" for i in range(24)]
    place: dict[str, dict[str, object]] = {}
    for i, service in enumerate(FRONT + MIDDLE + DATA):
        hosts = [str(h) for h in rng.choice(pool, size=3, replace=False)]
        cluster = "prod-a" if i % 2 == 0 else "prod-b"
        place[service] = {
            "hosts": hosts,
            "cluster": cluster,
            "region": "eu-west" if cluster == "prod-a" else "us-east",
            "gpu": [f"gpu-{j:02d}" for j in rng.choice(4, size=2, replace=False)]
            if service in GPU_SERVICES
            else [],
        }
    return place


def _cascade(
    graph: nx.DiGraph, root: str, taken: set[str], rng: np.random.Generator
) -> dict[str, float]:
    """Services hit by a failure at ``root`` -> their onset delay (s) after the root's."""
    onset = {root: 0.0}
    frontier = [root]
    while frontier:
        service = frontier.pop(0)
        for caller in sorted(graph.predecessors(service)):
            if caller in onset or _touches(graph, caller, taken) or rng.random() > 0.7:
                continue
            onset[caller] = onset[service] + float(rng.uniform(20, 90))
            frontier.append(caller)
    return onset


def _touches(graph: nx.DiGraph, service: str, taken: set[str]) -> bool:
    """Whether ``service`` is, or is adjacent to, a service another failure already hit: a
    service that depends on a failing one and fails in the same minute is attributed to it
    even by a human, so the generator keeps failures' blast radii apart in the topology
    (they still share hosts, clusters, regions, the minute and the noise)."""
    return service in taken or any(
        n in taken for n in (*graph.successors(service), *graph.predecessors(service))
    )


def _fingerprint(labels: dict[str, str]) -> str:
    text = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def generate_storm(
    seed: int = 7, n_alerts: int = 5000, n_failures: int = 5, noise_sources: int = 25
) -> Storm:
    """A storm of exactly ``n_alerts`` alert items (see the module docstring)."""
    rng = np.random.default_rng(seed)
    graph = storm_topology()
    place = _placement(rng)
    taken: set[str] = set()
    failures: dict[str, dict[str, float]] = {}
    candidates = [s for s in MIDDLE + DATA]
    for root in rng.permutation(candidates):
        if len(failures) == n_failures:
            break
        if _touches(graph, str(root), taken):
            continue
        hit = _cascade(graph, str(root), taken, rng)
        taken |= set(hit)
        failures[f"failure-{len(failures)}"] = hit
    storm = Storm(alerts=[], truth=[], roots={}, failure_services={}, topology=graph)
    n_noise = int(n_alerts * 0.03)
    n_flap = int(n_alerts * 0.04)
    n_failure_items = n_alerts - n_noise - n_flap
    hits = [(f, s) for f, hit in failures.items() for s in hit]
    per_service = np.full(len(hits), n_failure_items // len(hits))
    per_service[: n_failure_items - per_service.sum()] += 1
    starts = {f: float(rng.uniform(0, 60)) for f in failures}
    for (failure, service), count in zip(hits, per_service, strict=True):
        onset = starts[failure] + failures[failure][service]
        for k in range(int(count)):
            labels = _labels(service, place, rng, k)
            at = T0 + timedelta(seconds=onset + float(rng.exponential(25)))
            severity = "critical" if rng.random() < 0.3 else "warning"
            storm.alerts.append(
                AlertRecord(_fingerprint(labels), at, labels=labels, severity=severity)
            )
            storm.truth.append(failure)
    for failure, hit in failures.items():
        root = min(hit, key=hit.get)
        storm.roots[failure] = root
        storm.failure_services[failure] = sorted(hit)
        onset = T0 + timedelta(seconds=starts[failure])
        if rng.random() < 0.5:
            before = timedelta(minutes=float(rng.uniform(2, 15)))
            storm.changes.append(
                ChangeRecord(len(storm.changes) + 1, root, onset - before, version="v2.4.1")
            )
        if rng.random() < 0.35:
            storm.detections.append(
                DetectionRecord(len(storm.detections) + 1, "regression", root, onset, "handle")
            )
    for service in rng.choice([s for s in graph if s not in taken], size=3, replace=False):
        at = T0 - timedelta(minutes=float(rng.uniform(1, 20)))
        storm.changes.append(ChangeRecord(len(storm.changes) + 1, str(service), at, version="v9"))
    _add_flapping(storm, n_flap, rng)
    _add_noise(storm, n_noise, noise_sources, place, rng)
    return storm


def _labels(
    service: str, place: dict[str, dict[str, object]], rng: np.random.Generator, k: int
) -> dict[str, str]:
    info = place[service]
    hosts: list[str] = info["hosts"]  # type: ignore[assignment]
    rules = RULES_BY_TIER[_tier(service)]
    labels = {
        "alertname": str(rng.choice(rules)),
        "service": service,
        "host": hosts[k % len(hosts)],
        "pod": f"{service}-{k % 40}",
        "endpoint": f"/api/v{k // 40}",
        "cluster": str(info["cluster"]),
        "region": str(info["region"]),
    }
    gpus: list[str] = info["gpu"]  # type: ignore[assignment]
    if gpus:
        labels["gpu_node"] = gpus[k % len(gpus)]
        if k % 5 == 0:
            labels["alertname"] = "GPUXidErrors"
    return labels


def _add_flapping(storm: Storm, count: int, rng: np.random.Generator) -> None:
    """Repeat some alerts: resolved then firing again, same fingerprint and truth."""
    picks = rng.choice(len(storm.alerts), size=count, replace=True)
    for i in picks:
        alert = storm.alerts[int(i)]
        later = alert.starts_at + timedelta(seconds=float(rng.uniform(30, 120)))
        flap = AlertRecord(
            alert.fingerprint,
            later,
            status="firing",
            labels=alert.labels,
            severity=alert.severity,
        )
        storm.alerts.append(flap)
        storm.truth.append(storm.truth[int(i)])


def _add_noise(
    storm: Storm,
    count: int,
    sources: int,
    place: dict[str, dict[str, object]],
    rng: np.random.Generator,
) -> None:
    services = sorted(place)
    for k in range(count):
        source = k % sources
        srng = np.random.default_rng(1000 + source)
        service = services[int(srng.integers(len(services)))]
        hosts: list[str] = place[service]["hosts"]  # type: ignore[assignment]
        labels = {
            "alertname": str(srng.choice(NOISE_RULES)),
            "service": service,
            "host": hosts[int(srng.integers(len(hosts)))],
            "cluster": str(place[service]["cluster"]),
            "region": str(place[service]["region"]),
            "instance": f"{k // sources}",
        }
        at = T0 + timedelta(seconds=float(rng.uniform(-600, 600)))
        storm.alerts.append(AlertRecord(_fingerprint(labels), at, labels=labels))
        storm.truth.append(f"noise-{source}")


# -- the two groupings ---------------------------------------------------------------------


def baseline_groups(alerts: Sequence[AlertRecord]) -> tuple[list[str], dict[str, str | None]]:
    """Alertmanager ``group_by: [alertname, service]``: one group per label pair; its "root
    cause" is its own service."""
    labels = [f"{a.alertname}|{a.service}" for a in alerts]
    return labels, {g: g.split("|", 1)[1] for g in set(labels)}


def correlator_groups(
    storm: Storm, rules: CorrelationRules | None = None, topology: bool = True
) -> tuple[list[str], dict[str, str | None], Correlator, float]:
    """Our grouping of the storm batch: the incident of each item, top-ranked service per
    incident, the correlator, and the seconds :meth:`Correlator.add` took; ``topology``:
    whether the correlator is given the dependency graph."""
    given = Topology(dependencies=storm.topology) if topology else Topology()
    correlator = Correlator(rules or CorrelationRules(), given)
    records = [*storm.changes, *storm.detections, *storm.alerts]
    now = max(a.starts_at for a in storm.alerts)
    started = time.perf_counter()
    correlator.add(records, now)
    elapsed = time.perf_counter() - started
    owner = {
        fp: key for key, inc in correlator.incidents.items() for fp in inc.alerts
    }  # every item is in some (maybe pending) incident
    predicted = [owner.get(a.fingerprint, f"unassigned:{a.fingerprint}") for a in storm.alerts]
    top: dict[str, str | None] = {}
    for key, inc in correlator.incidents.items():
        services = [rc.name for rc in inc.root_causes if rc.kind == "service"]
        top[key] = services[0] if services else None
    return predicted, top, correlator, elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 21)))
    parser.add_argument("--timing-runs", type=int, default=10)
    args = parser.parse_args(argv)
    load = load_average()
    per: dict[str, list[Result]] = {"ours": [], "alone": [], "baseline": []}
    pairs: dict[str, list[tuple[int, int, int]]] = {"ours": [], "alone": [], "baseline": []}
    storm = generate_storm(args.seeds[0])
    for seed in args.seeds:
        storm = generate_storm(seed)
        predicted, top, _, _ = correlator_groups(storm)
        alone, alone_top, _, _ = correlator_groups(storm, topology=False)
        base, base_top = baseline_groups(storm.alerts)
        for name, pred, tops in (
            ("ours", predicted, top),
            ("alone", alone, alone_top),
            ("baseline", base, base_top),
        ):
            result = evaluate(storm, pred, tops, name)
            per[name].append(result)
            pairs[name].append(pair_counts(pred, storm.truth))
            print(
                f"seed {seed} {name:8s} F1 {result.f1:.3f} (P {result.precision:.3f} "
                f"R {result.recall:.3f}) compression {result.compression:.2%} "
                f"groups {result.groups} root cause {result.rc_hits}/{result.rc_total}"
            )
    timing_storm = generate_storm(args.seeds[0])
    timings = [correlator_groups(timing_storm)[3] for _ in range(args.timing_runs)]
    results = [
        pooled(per["ours"], "ours, topology given", pairs["ours"]),
        pooled(per["alone"], "ours, no topology", pairs["alone"]),
        pooled(per["baseline"], "baseline: group_by [alertname, service]", pairs["baseline"]),
    ]
    text = render(results, args.seeds, timings, storm, load)
    print(text)
    if not args.no_docs:
        write_section("storm", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
