"""A second, independently designed alert-storm generator: the *test* split of the storm
benchmark. Nothing in the correlator is tuned on it; :mod:`benchmarks.storm` is the
development split.

It differs from the development generator on purpose, in every part a correlator could have
been fitted to:

- **topology**: a random layered DAG of 30-60 services drawn per seed (3-5 edge gateways,
  mid-tier services calling deeper mid-tier services, and shared data stores - Postgres,
  Redis, Kafka, Elasticsearch - picked by preferential attachment, so a few stores have a large
  fan-in); every service runs in each of three regions and calls stay inside a region;
- **failures**: half at a data store, half at a mid-tier service; regional (a root service in
  one region, its cascade in that region only), staggered over the storm instead of starting
  in one minute, and many of them (6-12 drawn for a ~600-alert storm, 20-35 for a
  ~5,000-alert one, fewer placed where the rule below leaves no room); two failures may
  touch adjacent services when they are in different regions, never in the same region at
  the same time (a human could not tell those apart either), and a service is hit again only
  after a quiet gap;
- **cascade timing**: per-edge hit probability drawn from 0.45-0.95, per-hop delay lognormal
  (median 35 s, some hops of a few seconds, some of minutes), and each hit service fires over
  a gamma-distributed spread rather than an exponential one;
- **alert volume**: per-service weight lognormal, so the root is often *not* the loudest
  service (a database with three replicas under forty callers' pods);
- **naming and labels**: other rule names per role and store kind, ``severity`` values
  ``critical`` / ``warning`` / ``info``, hosts in a ``node`` label (no ``host``), ``namespace``,
  ``pod``, ``instance`` and ``region``, no ``cluster`` label;
- **noise**: heavy-tailed background sources (Zipf-sized) of chatty rules on service pods, and
  node-level alerts without a ``service`` label, all over the storm span; flapping repeats
  1-6 minutes after the first firing.

Ground truth: every alert item belongs to one failure or one background source; a failure's
root is the service where it started. The metrics are :mod:`benchmarks.storm_metrics`'s
(pairwise F1, root cause first).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import networkx as nx
import numpy as np

from benchmarks.storm import Storm
from efficiency.correlate import AlertRecord, ChangeRecord, DetectionRecord

T0 = datetime(2025, 3, 17, 3, 0, tzinfo=UTC)
REGIONS = ("eu-central-1", "us-east-1", "ap-south-1")
DOMAINS = (
    "billing", "ledger", "identity", "profile", "inventory", "pricing", "checkout", "shipping",
    "tracking", "returns", "reviews", "media", "geo", "fraud", "ads", "quotes", "tax",
    "coupons", "loyalty", "wishlist", "chat", "mailer", "sms", "export", "import", "reports",
    "audit", "session", "tenant", "catalogue", "stock", "orders", "refunds", "vendor",
    "invoice", "kyc", "ranking", "feeds", "bundles", "subscriptions", "warranty", "support",
    "scheduler", "workflow", "pdf", "thumbs", "notify", "ratings",
)  # fmt: skip
STORE_KINDS = ("postgres", "redis", "kafka", "elastic")
EDGE_RULES = ("IngressHigh5xxRatio", "UpstreamP99LatencyHigh", "ErrorBudgetBurnFast")
MID_RULES = (
    "grpc_server_error_ratio_high",
    "RequestDurationP95High",
    "KubePodNotReady",
    "CircuitBreakerOpen",
    "WorkerQueueBacklog",
)
STORE_RULES = {
    "postgres": ("PgReplicationLag", "PgConnectionsExhausted", "PgLockWaitsHigh"),
    "redis": ("RedisRejectedConnections", "RedisLatencySpike", "RedisEvictionsHigh"),
    "kafka": ("KafkaConsumerGroupLag", "KafkaUnderReplicatedPartitions"),
    "elastic": ("EsClusterYellow", "EsSearchRejections", "EsHeapPressure"),
}
CHATTY_RULES = ("KubeJobFailed", "CPUThrottlingHigh", "TargetDown", "HPAMaxedOut")
NODE_RULES = ("NodeFilesystemAlmostFull", "NodeNetworkReceiveErrs", "NodeClockNotSynchronising")


@dataclass
class Service:
    name: str
    role: str  #: edge | mid | store
    kind: str = ""  #: store kind
    pods: int = 3
    weight: float = 1.0  #: relative alert volume when hit


def heldout_topology(rng: np.random.Generator) -> tuple[nx.DiGraph, dict[str, Service]]:
    """A random layered DAG (edge ``a -> b``: ``a`` calls ``b``) with shared stores."""
    n = int(rng.integers(30, 61))
    n_edge = int(rng.integers(3, 6))
    n_store = max(6, round(n * rng.uniform(0.2, 0.3)))
    n_mid = n - n_edge - n_store
    names = [str(x) for x in rng.permutation(DOMAINS)]
    services: dict[str, Service] = {}
    for i in range(n_edge):
        services[f"{names[i]}-gw"] = Service(
            f"{names[i]}-gw", "edge", pods=int(rng.integers(6, 20))
        )
    mids = [f"{names[n_edge + i]}-svc" for i in range(n_mid)]
    for name in mids:
        services[name] = Service(name, "mid", pods=int(rng.integers(2, 15)))
    stores = []
    for i in range(n_store):
        kind = STORE_KINDS[int(rng.integers(len(STORE_KINDS)))]
        name = f"{names[(n_edge + n_mid + i) % len(names)]}-{kind}-{i}"
        stores.append(name)
        services[name] = Service(name, "store", kind=kind, pods=int(rng.integers(1, 4)))
    for service in services.values():
        service.weight = float(rng.lognormal(0.0, 0.8)) * (1 + np.log1p(service.pods))
    graph = nx.DiGraph()
    graph.add_nodes_from(services)
    fan_in = {s: 0 for s in stores}
    for i, name in enumerate(mids):
        deeper = mids[i + 1 :]
        if deeper:
            k = min(len(deeper), int(rng.integers(0, 4)))
            for callee in rng.choice(deeper, size=k, replace=False):
                graph.add_edge(name, str(callee))
        for _ in range(int(rng.integers(1, 4))):
            p = np.array([1.0 + fan_in[s] for s in stores])
            store = str(rng.choice(stores, p=p / p.sum()))
            if not graph.has_edge(name, store):
                graph.add_edge(name, store)
                fan_in[store] += 1
    for i in range(n_edge):
        gw = f"{names[i]}-gw"
        k = int(rng.integers(2, 6))
        for callee in rng.choice(mids[: max(k, len(mids) // 2)], size=k, replace=False):
            graph.add_edge(gw, str(callee))
    return graph, services


def _placement(services: dict[str, Service], rng: np.random.Generator) -> dict[tuple, list[str]]:
    """(service, region) -> the nodes its pods run on (a pool of nodes per region)."""
    nodes: dict[tuple, list[str]] = {}
    for r, region in enumerate(REGIONS):
        pool = [f"ip-10-{r}-{i // 8}-{i % 8 * 16 + 4}" for i in range(int(len(services) * 0.6))]
        for name, service in services.items():
            k = min(len(pool), max(1, min(service.pods, int(rng.integers(2, 5)))))
            nodes[(name, region)] = [str(x) for x in rng.choice(pool, size=k, replace=False)]
    return nodes


@dataclass
class _Failure:
    key: str
    region: str
    start: float  #: seconds after T0
    onset: dict[str, float]  #: service -> onset delay after start (s)
    end: float = 0.0


def _cascade(graph: nx.DiGraph, root: str, rng: np.random.Generator) -> dict[str, float]:
    onset = {root: 0.0}
    frontier = [root]
    while frontier:
        service = frontier.pop(0)
        for caller in sorted(graph.predecessors(service)):
            if caller in onset or rng.random() > rng.uniform(0.45, 0.95):
                continue
            delay = float(np.clip(rng.lognormal(np.log(35.0), 0.7), 4.0, 240.0))
            onset[caller] = onset[service] + delay
            frontier.append(caller)
    return onset


def _conflicts(graph: nx.DiGraph, new: _Failure, old: _Failure, quiet: float) -> bool:
    """Whether ``new`` would be ambiguous against ``old``: a shared service unless their alert
    spans are ``quiet`` seconds apart, or adjacent services in the same region at the same
    time."""
    overlap = new.start - quiet < old.end and old.start - quiet < new.end
    if not overlap:
        return False
    if set(new.onset) & set(old.onset):
        return True
    if new.region != old.region:
        return False
    near = set()
    for s in old.onset:
        near |= {s, *graph.successors(s), *graph.predecessors(s)}
    return bool(set(new.onset) & near)


def _fingerprint(labels: dict[str, str]) -> str:
    return hashlib.md5(json.dumps(labels, sort_keys=True).encode()).hexdigest()


def _unique(labels: dict[str, str], truth: str, owners: dict[str, str]) -> None:
    """Give an alert of another failure that would repeat an earlier one's labels (the same
    service hit again after a quiet gap) a ``replica`` label, so one fingerprint never stands
    for two failures."""
    n = 0
    while owners.setdefault(_fingerprint(labels), truth) != truth:
        n += 1
        labels["replica"] = str(n)


def _rule(service: Service, rng: np.random.Generator) -> str:
    if service.role == "edge":
        return str(rng.choice(EDGE_RULES))
    if service.role == "mid":
        return str(rng.choice(MID_RULES))
    return str(rng.choice(STORE_RULES[service.kind]))


def _labels(service: Service, region: str, nodes: list[str], rule: str, k: int) -> dict[str, str]:
    replica = f"{region}{k % max(service.pods, 1)}"
    pod = f"{service.name}-{hashlib.sha1(replica.encode()).hexdigest()[:5]}"
    return {
        "alertname": rule,
        "service": service.name,
        "namespace": service.name.split("-")[0],
        "pod": pod,
        "instance": f"{pod}:{8080 + k % 3}",
        "node": nodes[k % len(nodes)],
        "region": region,
    }


def generate_heldout_storm(seed: int, n_alerts: int = 600) -> Storm:
    """A held-out storm of exactly ``n_alerts`` alert items (see the module docstring)."""
    rng = np.random.default_rng(seed)
    graph, services = heldout_topology(rng)
    nodes = _placement(services, rng)
    large = n_alerts > 2000
    want = int(rng.integers(20, 36)) if large else int(rng.integers(6, 13))
    span = 45 * 60.0 if large else 15 * 60.0
    failures: list[_Failure] = []
    stores = [s for s, v in services.items() if v.role == "store"]
    mids = [s for s, v in services.items() if v.role == "mid"]
    for _ in range(want * 20):
        if len(failures) == want:
            break
        root = str(rng.choice(stores if rng.random() < 0.5 else mids))
        region = REGIONS[int(rng.integers(len(REGIONS)))]
        f = _Failure(f"failure-{len(failures)}", region, float(rng.uniform(0, span)), {})
        f.onset = _cascade(graph, root, rng)
        f.end = f.start + max(f.onset.values()) + 300.0
        if not any(_conflicts(graph, f, old, 600.0) for old in failures):
            failures.append(f)
    storm = Storm(alerts=[], truth=[], roots={}, failure_services={}, topology=graph)
    n_noise = int(n_alerts * rng.uniform(0.05, 0.09))
    n_flap = int(n_alerts * 0.05)
    n_failure_items = n_alerts - n_noise - n_flap
    hits = [(f, s) for f in failures for s in f.onset]
    weights = np.array([services[s].weight for _, s in hits])
    counts = np.maximum(2, np.floor(weights / weights.sum() * n_failure_items)).astype(int)
    while counts.sum() > n_failure_items:
        counts[int(np.argmax(counts))] -= 1
    counts[: n_failure_items - counts.sum()] += 1
    owners: dict[str, str] = {}
    for (f, name), count in zip(hits, counts, strict=True):
        service = services[name]
        spread = float(rng.uniform(30, 150))
        for k in range(int(count)):
            labels = _labels(service, f.region, nodes[(name, f.region)], _rule(service, rng), k)
            at = f.start + f.onset[name] + float(rng.gamma(1.6, spread / 1.6))
            level = str(rng.choice(("critical", "warning", "info"), p=(0.25, 0.6, 0.15)))
            labels["severity"] = level
            _unique(labels, f.key, owners)
            storm.alerts.append(
                AlertRecord(_fingerprint(labels), T0 + timedelta(seconds=at), labels=labels)
            )
            storm.truth.append(f.key)
    for f in failures:
        root = min(f.onset, key=lambda s: f.onset[s])
        storm.roots[f.key] = root
        storm.failure_services[f.key] = sorted(f.onset)
        onset = T0 + timedelta(seconds=f.start)
        if rng.random() < 0.4:
            before = timedelta(minutes=float(rng.uniform(1, 25)))
            storm.changes.append(
                ChangeRecord(len(storm.changes) + 1, root, onset - before, version="2025.03.1")
            )
        if rng.random() < 0.25:
            storm.detections.append(
                DetectionRecord(
                    len(storm.detections) + 1, "anomaly", root, onset, score=0.95, function=""
                )
            )
    for name in rng.choice(sorted(services), size=5, replace=False):
        at = T0 + timedelta(seconds=float(rng.uniform(-600, span)))
        storm.changes.append(ChangeRecord(len(storm.changes) + 1, str(name), at, version="hotfix"))
    _add_flapping(storm, n_flap, rng)
    _add_noise(storm, n_noise, services, nodes, span, rng)
    return storm


def _add_flapping(storm: Storm, count: int, rng: np.random.Generator) -> None:
    picks = rng.choice(len(storm.alerts), size=count, replace=True)
    for i in picks:
        alert = storm.alerts[int(i)]
        later = alert.starts_at + timedelta(seconds=float(rng.uniform(60, 360)))
        storm.alerts.append(AlertRecord(alert.fingerprint, later, labels=alert.labels))
        storm.truth.append(storm.truth[int(i)])


def _add_noise(
    storm: Storm,
    count: int,
    services: dict[str, Service],
    nodes: dict[tuple, list[str]],
    span: float,
    rng: np.random.Generator,
) -> None:
    """Zipf-sized background sources: chatty rules on a service's pods in one region, and
    node-level rules without a service label."""
    n_sources = max(8, count // 6)
    sizes = rng.zipf(1.8, size=n_sources).astype(float)
    sizes = np.maximum(1, np.round(sizes / sizes.sum() * count)).astype(int)
    while sizes.sum() > count:
        sizes[int(np.argmax(sizes))] -= 1
    sizes[: count - sizes.sum()] += 1
    names = sorted(services)
    for source, size in enumerate(sizes):
        region = REGIONS[int(rng.integers(len(REGIONS)))]
        name = names[int(rng.integers(len(names)))]
        node_level = rng.random() < 0.35
        rule = str(rng.choice(NODE_RULES if node_level else CHATTY_RULES))
        home = nodes[(name, region)]
        for k in range(int(size)):
            if node_level:
                labels = {"alertname": rule, "node": home[0], "region": region, "device": f"d{k}"}
            else:
                labels = _labels(services[name], region, home, rule, k)
                labels["instance"] += f"/{source}"
            labels["severity"] = "warning" if rng.random() < 0.7 else "info"
            at = T0 + timedelta(seconds=float(rng.uniform(-300, span + 300)))
            storm.alerts.append(AlertRecord(_fingerprint(labels), at, labels=labels))
            storm.truth.append(f"noise-{source}")
