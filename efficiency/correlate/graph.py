"""The evidence graph: which records belong together, and how strongly the evidence says so.

A node is one of

- an **alert bucket**: the alerts of one *deployment* (a service in one location: equal
  ``location_labels``, region and cluster) with equal group-by labels whose onsets follow
  each other with gaps shorter than the window (a session). Folding them first is what keeps a
  5,000-alert storm near-linear: such alerts would be joined by a same-service, in-window edge
  anyway, and a storm has thousands of alerts but only tens of buckets;
- a **detection** (a regression or anomaly of one service) or a **change** (a deploy);
- an **open incident** of an earlier call, so new buckets can join it.

Edges are weighted by the evidence between two nodes (:func:`edge_weight`): time proximity,
the same service (in the same location: one service's database in another region is another
deployment, failing for its own reasons), adjacency in the declared dependency graph
(heavier when the dependency alerted first, i.e. the order a cascade produces), co-occurrence
in past incidents, shared host / GPU node / cluster / region labels, and a common suspected
change. Candidate pairs come from indexes (service, selective labels, change ids, dependency
neighbours) swept in time order, never from all pairs.

The cascade order compares *onsets*, not first alerts: a bucket's onset is a low quantile of
its alerts' start times (:func:`robust_onset`), because a session folds in whatever else the
service fired within the window (a disk-space alert minutes before the failure), and one such
alert would otherwise make a caller look as if it failed before its dependency. An edge also
records which end is *upstream* (the dependency that took off first, :func:`upstream`), which
the grouping reads to find where failures started.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations
from typing import TYPE_CHECKING, Literal

import networkx as nx

from efficiency.correlate.records import AlertRecord, ChangeRecord, DetectionRecord, Topology
from efficiency.correlate.rules import CorrelationRules

if TYPE_CHECKING:
    from efficiency.correlate.correlator import Incident

NodeKind = Literal["alerts", "detection", "change", "incident"]


@dataclass
class Node:
    """One vertex of the evidence graph (see the module docstring)."""

    id: str
    kind: NodeKind
    services: frozenset[str]
    start: datetime
    end: datetime
    #: the group-by label values; None matches any (detections, changes)
    group: tuple[str, ...] | None = None
    #: label name -> the values its alerts carry (host, cluster, ...)
    labels: dict[str, frozenset[str]] = field(default_factory=dict)
    alerts: list[AlertRecord] = field(default_factory=list)
    #: changes this node points at: a detection's suspect, or a change node's own id
    changes: frozenset[int] = frozenset()
    detection: DetectionRecord | None = None
    change: ChangeRecord | None = None
    #: the key of the open incident this node stands for
    incident_key: str | None = None
    #: when the node's records took off (see :func:`robust_onset`); None: ``start``
    onset: datetime | None = None
    #: an incident node: how many alerts it holds, when each of its services took off, and
    #: the service its ranking puts first (what a cascade into it must call)
    alert_count: int = 0
    service_onsets: dict[str, datetime] = field(default_factory=dict)
    service_sizes: dict[str, int] = field(default_factory=dict)
    #: an incident node: when each held service's alerts started, first and last
    service_spans: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    root_services: frozenset[str] = frozenset()
    #: an incident node: its services under ``root_support`` (onset, alerts), which it does
    #: not hold but which a later caller may have failed from; and where each service alerted
    quiet: dict[str, tuple[datetime, int]] = field(default_factory=dict)
    service_places: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    #: an incident node: per service (held or quiet), :func:`onset_error`
    service_errors: dict[str, timedelta] = field(default_factory=dict)

    @property
    def onset_at(self) -> datetime:
        """``onset``, else ``start`` (detections, changes and incidents have one time)."""
        return self.onset if self.onset is not None else self.start


def service_key(alert: AlertRecord) -> str:
    """The bucket's service: the ``service`` label, else the alert name (so service-less
    alerts of one rule still fold together), marked so it never matches a real service."""
    return alert.service or f"?{alert.alertname}"


def alert_buckets(
    alerts: Iterable[AlertRecord], rules: CorrelationRules, prefix: str = "b"
) -> list[Node]:
    """Fold alerts into sessions per (service, group-by values, location): sort by onset,
    start a new bucket wherever the gap to the previous onset is longer than the window."""
    by_key: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[AlertRecord]]
    by_key = defaultdict(list)
    for alert in alerts:
        group = tuple(alert.labels.get(name, "") for name in rules.group_by)
        place = tuple(alert.labels.get(name, "") for name in rules.location_labels)
        by_key[(service_key(alert), group, place)].append(alert)
    nodes: list[Node] = []
    for (service, group, _place), members in sorted(by_key.items()):
        members.sort(key=lambda a: (a.starts_at, a.fingerprint))
        session: list[AlertRecord] = []
        for alert in members:
            if session and alert.starts_at - session[-1].starts_at > rules.window:
                nodes.append(_bucket(f"{prefix}{len(nodes)}", service, group, session, rules))
                session = []
            session.append(alert)
        nodes.append(_bucket(f"{prefix}{len(nodes)}", service, group, session, rules))
    return nodes


def robust_onset(starts: Sequence[datetime], quantile: float) -> datetime:
    """The ``quantile`` of ``starts`` (sorted): when a bucket's alerts took off. Not the
    minimum, so a stray earlier alert of the service (background noise folded into the same
    session) does not make the bucket look as if it started minutes before its failure."""
    return starts[int(quantile * (len(starts) - 1))]


def onset_error(starts: Sequence[datetime], onset: datetime) -> timedelta:
    """How much later than the real onset a service's observed ``onset`` may stand: the first
    of ``n`` alerts scattered over a spread lands about spread / ``n`` after the failure reached
    the service, so a quiet service's few alerts place its onset loosely (the mean delay of its
    alerts after the observed onset, over their number)."""
    later = [t - onset for t in starts if t > onset]
    if not later:
        return timedelta(0)
    return sum(later, timedelta(0)) / len(later) / len(starts)


def _bucket(
    node_id: str,
    service: str,
    group: tuple[str, ...],
    alerts: list[AlertRecord],
    rules: CorrelationRules,
) -> Node:
    return Node(
        id=node_id,
        kind="alerts",
        services=frozenset({service}),
        start=alerts[0].starts_at,
        end=alerts[-1].starts_at,
        group=group,
        labels=label_sets(alerts, rules),
        alerts=list(alerts),
        onset=robust_onset([a.starts_at for a in alerts], rules.onset_quantile),
    )


def incident_node(incident: Incident, rules: CorrelationRules) -> Node:
    """An open incident as a node, so new records can join it. It *holds* the services with
    at least ``root_support`` of the alerts of its largest one (and those of its detections):
    a few background alerts it absorbed make it neither the home of their service (whose next
    failure would join it by the same-service evidence) nor a neighbour of their hosts."""
    alerts = sorted(incident.alerts.values(), key=lambda a: a.starts_at)
    by_service: dict[str, list[AlertRecord]] = defaultdict(list)
    for alert in alerts:
        by_service[service_key(alert)].append(alert)
    largest = max(map(len, by_service.values()), default=0)
    held = {s for s, members in by_service.items() if len(members) >= rules.root_support * largest}
    detections = incident.detections.values()
    q = rules.onset_quantile
    return Node(
        id=f"i:{incident.key}",
        kind="incident",
        services=frozenset(held | {d.service for d in detections}),
        start=incident.first_at,
        end=incident.last_at,
        onset=robust_onset([a.starts_at for a in alerts], q) if alerts else None,
        group=incident.group,
        labels=label_sets((a for s in held for a in by_service[s]), rules),
        changes=frozenset(d.suspected_change_id for d in detections if d.suspected_change_id)
        | set(incident.changes),
        incident_key=incident.key,
        alert_count=len(alerts),
        service_onsets={s: robust_onset([a.starts_at for a in by_service[s]], q) for s in held},
        service_sizes={s: len(by_service[s]) for s in held},
        service_spans={s: (by_service[s][0].starts_at, by_service[s][-1].starts_at) for s in held},
        root_services=frozenset(rc.name for rc in incident.root_causes[:1] if rc.kind == "service"),
        quiet={
            s: (robust_onset([a.starts_at for a in members], q), len(members))
            for s, members in by_service.items()
            if s not in held
        },
        service_places={
            s: {n: v for n, v in label_sets(members, rules).items() if n in rules.location_labels}
            for s, members in by_service.items()
        },
        service_errors={
            s: onset_error(t := [a.starts_at for a in members], robust_onset(t, q))
            for s, members in by_service.items()
        },
    )


def label_sets(alerts: Iterable[AlertRecord], rules: CorrelationRules) -> dict[str, frozenset[str]]:
    """The values each evidence label takes over ``alerts`` (empty values dropped)."""
    values: dict[str, set[str]] = {name: set() for name in rules.label_weights}
    for alert in alerts:
        for name in rules.label_weights:
            value = alert.labels.get(name)
            if value:
                values[name].add(value)
    return {name: frozenset(vals) for name, vals in values.items() if vals}


def _depends(u: Node, v: Node, topology: Topology) -> bool:
    """Whether a service of ``u`` depends on (calls) a service of ``v``."""
    deps = topology.dependencies
    return any(
        deps.has_edge(a, b) for a in u.services if a in deps for b in v.services if b in deps
    )


def _in_cascade_order(u: Node, v: Node, rules: CorrelationRules) -> bool:
    """Whether ``v`` took off no later than ``u`` (plus the slack) and at most a window
    before: the order and pace in which a failure of ``v`` reaches ``u`` when ``u`` depends
    on ``v``. A dependency already alerting long before is background, not the cause."""
    return u.onset_at - rules.window <= v.onset_at <= u.onset_at + rules.cascade_slack


def _dependency_evidence(u: Node, v: Node, topology: Topology, rules: CorrelationRules) -> float:
    """Weight of ``u`` depending on ``v``: full in cascade order (:func:`_in_cascade_order`),
    as a failure spreading from a dependency to its callers produces; reduced otherwise."""
    if not _depends(u, v, topology):
        return 0.0
    if _in_cascade_order(u, v, rules):
        return rules.dependency
    return rules.dependency_reversed


def upstream(u: Node, v: Node, topology: Topology, rules: CorrelationRules) -> str | None:
    """The id of the one of ``u``, ``v`` that the other depends on and that alerted first (in
    cascade order), or None: the direction in which the evidence says a failure spread."""
    for caller, dependency in ((u, v), (v, u)):
        if (
            not caller.services & dependency.services
            and _depends(caller, dependency, topology)
            and _in_cascade_order(caller, dependency, rules)
        ):
            return dependency.id
    return None


def _span(node: Node, service: str) -> tuple[datetime, datetime]:
    return node.service_spans.get(service, (node.start, node.end))


def _same_service_near(u: Node, v: Node, rules: CorrelationRules) -> bool:
    """Whether a service of both nodes alerted in each within the window of the other: an open
    incident counts the same-service evidence over when *that service* alerted in it, not over
    its whole life (which flapping repeats and later records stretch), as two buckets of the
    service further apart than the window share no evidence in one batch either."""
    for service in u.services & v.services:
        (u0, u1), (v0, v1) = _span(u, service), _span(v, service)
        if max(u0, v0) - min(u1, v1) <= rules.window:
            return True
    return False


def same_place(
    a: dict[str, frozenset[str]], b: dict[str, frozenset[str]], rules: CorrelationRules
) -> bool:
    """Whether two label sets agree on every location label (``rules.location_labels``) both
    carry: a service's name in another region or cluster is another deployment of it."""
    return all(a[n] & b[n] for n in rules.location_labels if n in a and n in b)


def edge_weight(u: Node, v: Node, topology: Topology, rules: CorrelationRules) -> float:
    """Total evidence that ``u`` and ``v`` belong to one incident (0: never together)."""
    if u.group is not None and v.group is not None and u.group != v.group:
        return 0.0
    gap = max(u.start, v.start) - min(u.end, v.end)
    gap_s = max(gap.total_seconds(), 0.0)
    window_s = rules.window.total_seconds()
    if gap_s > window_s:
        return 0.0
    for a, b in ((u, v), (v, u)):
        # a change is evidence only for what follows it
        if a.kind == "change" and b.kind != "change" and b.start < a.start:
            return 0.0
    weight = rules.time_proximity * (1.0 - gap_s / window_s)
    if u.services & v.services:
        near = _same_service_near(u, v, rules) and same_place(u.labels, v.labels, rules)
        weight += rules.same_service if near else 0.0
    else:
        weight += max(
            _dependency_evidence(u, v, topology, rules),
            _dependency_evidence(v, u, topology, rules),
        )
        cooc = max(
            (topology.cooccurrence_weight(a, b) for a in u.services for b in v.services),
            default=0.0,
        )
        weight += rules.cooccurrence * cooc
    for name, label_weight in rules.label_weights.items():
        if u.labels.get(name, frozenset()) & v.labels.get(name, frozenset()):
            weight += label_weight
    if u.changes & v.changes:
        weight += rules.common_change
    return weight


def _index_keys(node: Node, rules: CorrelationRules) -> Iterator[tuple[str, str]]:
    for service in node.services:
        yield ("svc", service)
    for name in rules.index_labels:
        for value in node.labels.get(name, ()):
            yield (name, value)
    for change in node.changes:
        yield ("chg", str(change))


def candidate_pairs(
    nodes: Sequence[Node], topology: Topology, rules: CorrelationRules
) -> set[tuple[int, int]]:
    """Pairs of node positions that share an index key or adjacent services and whose time
    spans come within the window: a sweep per key over nodes sorted by onset."""
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, node in enumerate(nodes):
        for key in set(_index_keys(node, rules)):
            index[key].append(i)
    window = rules.window
    pairs: set[tuple[int, int]] = set()
    for members in index.values():
        members.sort(key=lambda i: nodes[i].start)
        for pos, i in enumerate(members):
            for j in members[pos + 1 :]:
                if nodes[j].start > nodes[i].end + window:
                    break
                pairs.add((min(i, j), max(i, j)))
    for i, node in enumerate(nodes):
        related = set().union(*(topology.neighbours(s) for s in node.services))
        related |= set().union(
            *(topology.cooccurrence.adj.get(s, {}).keys() for s in node.services)
        )
        for service in related - node.services:
            for j in index.get(("svc", service), ()):
                other = nodes[j]
                if other.start <= node.end + window and node.start <= other.end + window:
                    pairs.add((min(i, j), max(i, j)))
    return pairs


def evidence_graph(nodes: Sequence[Node], topology: Topology, rules: CorrelationRules) -> nx.Graph:
    """The weighted evidence graph over ``nodes`` (node attribute ``node`` holds the record);
    edges with no evidence are left out. An edge's ``upstream`` names the endpoint the other
    depends on when it alerted first (:func:`upstream`), else None."""
    graph = nx.Graph()
    for node in nodes:
        graph.add_node(node.id, node=node)
    for i, j in sorted(candidate_pairs(nodes, topology, rules)):
        weight = edge_weight(nodes[i], nodes[j], topology, rules)
        if weight > 0:
            graph.add_edge(
                nodes[i].id,
                nodes[j].id,
                weight=weight,
                upstream=upstream(nodes[i], nodes[j], topology, rules),
            )
    return graph


def learn_cooccurrence(
    history_incidents: Iterable[Iterable[str]], min_support: int = 2
) -> nx.Graph:
    """Services that failed together in past incidents, as an undirected graph.

    ``history_incidents`` yields the service names of each past incident. The edge weight is
    the Ochiai coefficient ``n_ab / sqrt(n_a * n_b)`` (cosine similarity of the services'
    incident-membership vectors): 1 when two services always fail together, near 0 when a
    busy service shares the odd incident with another. Pairs seen together fewer than
    ``min_support`` times are dropped, so one coincidence is not learned as a relation.
    """
    single: dict[str, int] = defaultdict(int)
    pair: dict[tuple[str, str], int] = defaultdict(int)
    for services in history_incidents:
        names = sorted({s for s in services if s})
        for name in names:
            single[name] += 1
        for a, b in combinations(names, 2):
            pair[(a, b)] += 1
    graph = nx.Graph()
    for (a, b), count in pair.items():
        if count >= min_support:
            weight = count / math.sqrt(single[a] * single[b])
            graph.add_edge(a, b, weight=weight, support=count)
    return graph
