"""Join the groups of one location that take off together (with no call graph, or where one
leaves them apart).

Without a services file, mesh call metrics or peer labels, nothing but time and place links a
caller to the dependency it failed from, and whether that is enough depends on how the fleet
is deployed:

- when each service runs in one place (one cluster), calls cross locations and a location's
  services fail for unrelated reasons at once: several failures starting in one minute look
  exactly like one cascade, so nothing is joined;
- when the fleet runs a copy of its services per location - the store has seen a service alert
  in two regions or clusters, the ``replicated`` fact the cascade join reads too - or its
  take-offs show failures staying in their location anyway (near take-offs share their location
  clearly more often than chance, :mod:`efficiency.correlate.locality`), a failure stays in one
  location, and a group whose head takes off shortly (``takeoff_lag``) after a well-supported
  service of another group *in the same location* is read as its cascade.

Even then two failures of one location may overlap, so the join is guarded:

- a candidate needs ``root_support`` of the head's alerts (its own, or those of the failure it
  already belongs to): a blip of background alerts explains no failure;
- a group with a cause of its own - a deploy of its head's service in the ``change_lookback``
  before its take-off, or a detection of it at the take-off - started a failure and is not
  read as another's cascade (it may still be the cause of later groups);
- a take-off two failures of the location could explain joins the one with the most support,
  then the nearest in time.

Groups are taken in onset order, as :mod:`efficiency.correlate.cascade` does, so a failure
grows from its root outward and each joined group still has one head - one root. The root-cause
ranking of such an incident reads the take-off order as its call graph (:func:`ranking_topology`):
the service that took off first, not the loudest, is where the walk ends.

With a call graph the cascade join (:mod:`efficiency.correlate.cascade`) goes first, and the
take-off join then runs on what it left apart, only where the graph does not contradict it: the
follower's head calls a service that is failing (two alerts or more) in its own groups or in
the failure it would join - a failure spreads only through the services it hit, so a head that
calls none of them took off by itself - or the graph does not know the head (it is incomplete
there). Take-offs of service-less alerts do not count then: no graph places them. The ranking
reads the graph.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import networkx as nx

from efficiency.correlate.cascade import GroupFront, front, join_cascades
from efficiency.correlate.graph import Node, robust_onset, same_place
from efficiency.correlate.records import AlertRecord, Topology
from efficiency.correlate.rules import CorrelationRules


def _placed(places: dict[str, frozenset[str]], rules: CorrelationRules) -> bool:
    return any(name in places for name in rules.location_labels)


class _TakeOffs:
    """Every service take-off of the groups, sorted by onset, so each head reads only those
    near it: (onset, the group's position in onset order, the group, the service)."""

    def __init__(self, fronts: dict[int, GroupFront], order: list[int]) -> None:
        position = {index: p for p, index in enumerate(order)}
        self.entries = sorted(
            (onset, position[index], index, service)
            for index, f in fronts.items()
            for service, onset in f.onsets.items()
        )
        self.onsets = [e[0] for e in self.entries]
        errors = [e for f in fronts.values() for e in f.errors.values()]
        self.max_error = max(errors, default=timedelta(0))

    def near(
        self, head: datetime, before: timedelta, after: timedelta
    ) -> list[tuple[datetime, int, int, str]]:
        """The take-offs from ``before`` the head to ``after`` it (plus any onset error)."""
        i = bisect_left(self.onsets, head - before)
        out = []
        while i < len(self.entries) and self.entries[i][0] <= head + after + self.max_error:
            out.append(self.entries[i])
            i += 1
        return out


def _candidates(
    index: int,
    position: int,
    fronts: dict[int, GroupFront],
    takeoffs: _TakeOffs,
    reach: Callable[[int], int],
    rules: CorrelationRules,
    named: bool = False,
) -> dict[int, tuple[timedelta, int]]:
    """The groups before ``position`` in onset order whose services took off in the head's
    location from ``takeoff_lag`` before the head to ``cascade_slack`` (plus the service's
    onset error) after it, with the support to explain it, each with (its nearest such
    take-off's lag, the support). ``named``: only take-offs of services with a ``service``
    label count (the ones a call graph can place)."""
    lag_limit = rules.takeoff_lag
    assert lag_limit is not None
    dependent = fronts[index]
    if not _placed(dependent.head_places, rules):
        return {}
    found: dict[int, tuple[timedelta, int]] = {}
    for onset, at, other, service in takeoffs.near(
        dependent.head_onset, lag_limit, rules.cascade_slack
    ):
        if at >= position or (named and not _is_named(service)):
            continue
        candidate = fronts[other]
        lag = dependent.head_onset - onset
        slack = rules.cascade_slack + candidate.errors.get(service, timedelta(0))
        if not -slack <= lag <= lag_limit:
            continue
        places = candidate.places.get(service, {})
        if not _placed(places, rules) or not same_place(dependent.head_places, places, rules):
            continue
        support = max(candidate.sizes.get(service, 0), reach(other))
        if support >= rules.root_support * dependent.head_size:
            near = min(abs(lag), found[other][0]) if other in found else abs(lag)
            found[other] = (near, support)
    return found


def _alerted(group: list[Node]) -> set[str]:
    """The services with at least two alerts in the group (a single alert of a service is a
    blip any background source may raise: it says nothing about where a failure went)."""
    count: Counter[str] = Counter()
    for node in group:
        if node.kind == "alerts":
            for service in node.services:
                count[service] += len(node.alerts)
        elif node.kind == "incident":
            for service in node.services:
                count[service] += node.service_sizes.get(service, 0) or 1
    return {service for service, n in count.items() if n >= 2}


def _is_named(service: str) -> bool:
    """Whether a bucket's service is a ``service`` label, not a service-less alert's rule
    (:func:`~efficiency.correlate.graph.service_key`)."""
    return bool(service) and not service.startswith("?")


def _own_cause(group: list[Node], head: GroupFront, rules: CorrelationRules) -> bool:
    """Whether the group holds a cause of its own: a deploy of its head's service in the
    ``change_lookback`` before the head took off, or a detection (regression, anomaly) of it
    near the take-off. Such a group started a failure; it is not read as another's cascade."""
    lag = rules.takeoff_lag or timedelta(0)
    for node in group:
        if not node.services & head.head_services:
            continue
        change, detection = node.change, node.detection
        if change is not None and 0 <= (head.head_onset - change.at) / rules.change_lookback <= 1:
            return True
        if detection is not None and abs(detection.onset_at - head.head_onset) <= lag:
            return True
    return False


def join_takeoffs(
    groups: list[list[Node]],
    rules: CorrelationRules,
    replicated: bool,
    graph: nx.DiGraph | None = None,
) -> list[list[Node]]:
    """``groups`` with each one joined to the failure of its location it took off with (see
    the module docstring); unchanged unless the fleet is ``replicated`` per location. With a
    call ``graph``, only where it does not contradict the join (:class:`_GraphAgrees`)."""
    if rules.takeoff_lag is None or not replicated or len(groups) < 2:
        return groups
    fronts = {i: f for i, g in enumerate(groups) if (f := front(g, rules)) is not None}
    parent = {i: i for i in range(len(groups))}
    total = {i: sum(fronts[i].sizes.values()) if i in fronts else 0 for i in parent}
    alerted = {i: _alerted(g) for i, g in enumerate(groups)}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(fronts, key=lambda i: (fronts[i].head_onset, i))
    takeoffs = _TakeOffs(fronts, order)
    for position, index in enumerate(order):
        head = fronts[index].head_services
        if _own_cause(groups[index], fronts[index], rules):
            continue
        if graph is not None and not all(_is_named(s) for s in head):
            continue
        reach = lambda i: total[root(i)]  # noqa: E731
        causes = _candidates(index, position, fronts, takeoffs, reach, rules, graph is not None)
        if graph is not None:
            failing = alerted[root(index)]
            causes = {
                o: c
                for o, c in causes.items()
                if _graph_agrees(graph, head, failing | alerted[root(o)])
            }
        failures: dict[int, tuple[int, timedelta]] = {}
        for other, (lag, support) in causes.items():
            best = failures.get(root(other), (0, lag))
            failures[root(other)] = (max(support, best[0]), min(lag, best[1]))
        if not failures:
            continue
        # the failure with the most support, then the nearest take-off
        cause = max(failures, key=lambda r: (failures[r][0], -failures[r][1], -r))
        if cause != root(index):
            total[cause] += total[root(index)]
            alerted[cause] |= alerted[root(index)]
            parent[root(index)] = cause
    joined: dict[int, list[Node]] = defaultdict(list)
    for index, group in enumerate(groups):
        joined[root(index)].extend(group)
    return [sorted(g, key=lambda n: (n.start, n.id)) for g in joined.values()]


def join_groups(
    groups: list[list[Node]],
    topology: Topology,
    rules: CorrelationRules,
    replicated: bool,
    local: bool = False,
) -> list[list[Node]]:
    """The groups joined along the call graph where one is known
    (:func:`~efficiency.correlate.cascade.join_cascades`), then by take-off in a location
    (:func:`join_takeoffs`) - with a call graph, only where it does not contradict the join.
    The take-off join runs where the fleet is ``replicated`` per location or its take-offs
    show failures staying ``local`` (:mod:`efficiency.correlate.locality`)."""
    graph = topology.dependencies
    if graph.number_of_edges() > 0:
        joined = join_cascades(groups, topology, rules, replicated)
        return join_takeoffs(joined, rules, replicated or local, graph)
    return join_takeoffs(groups, rules, replicated or local)


def _graph_agrees(graph: nx.DiGraph, heads: frozenset[str], failing: set[str]) -> bool:
    """Whether a call graph lets a group whose head is ``heads`` be a cascade of a failure
    whose groups (with the head's own) hold the ``failing`` services: a head service calls a
    failing service, or the graph does not know the head (it is incomplete there, so it
    contradicts nothing). A head that calls no failing service did not fail from a callee:
    the graph says it took off by itself, whatever took off next to it."""
    for head in heads:
        if head not in graph or any(s in failing for s in graph.successors(head) if s != head):
            return True
    return False


def ranking_topology(
    topology: Topology,
    alerts: Iterable[AlertRecord],
    rules: CorrelationRules,
    replicated: bool,
) -> Topology:
    """The call graph the root-cause ranking of an incident holding ``alerts`` reads:
    ``topology`` when it has edges, else - in a fleet run per location, where the incident's
    services were joined by take-off - the take-off order itself: each service calls those of
    its location that took off before it, at most ``takeoff_lag`` before, so the ranking's walk
    climbs to where the failure started as it does along a declared graph."""
    if topology.dependencies.number_of_edges() > 0 or not replicated or rules.takeoff_lag is None:
        return topology
    starts: dict[str, list[datetime]] = defaultdict(list)
    where: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    for alert in alerts:
        if alert.service:
            starts[alert.service].append(alert.starts_at)
            where[alert.service][tuple(alert.labels.get(n, "") for n in rules.location_labels)] += 1
    onset = {s: robust_onset(sorted(t), rules.onset_quantile) for s, t in starts.items()}
    place = {s: w.most_common(1)[0][0] for s, w in where.items()}
    graph = nx.DiGraph()
    for caller, at in onset.items():
        for callee, before in onset.items():
            if place[callee] == place[caller] and timedelta(0) < at - before <= rules.takeoff_lag:
                graph.add_edge(caller, callee)
    return Topology(dependencies=graph, cooccurrence=topology.cooccurrence)
