"""Where the call graph may join groups: only where time order and the evidence agree.

The grouping first runs on the evidence a storm carries by itself (same service, shared host,
common change, time), exactly as it does with no topology given. The declared dependency
graph is then used for one thing only: to *join* two of those groups when one is explained as
the cascade of the other -

- the **head** of the dependent group (its well-supported record that took off first, see
  :func:`front`) belongs to a service that calls a service of the other group;
- that callee took off first, and not long before: its onset is at most ``cascade_slack``
  after the head's and at most ``window`` before it (a dependency already failing long before
  is background, not the cause);
- the callee holds at least ``root_support`` of the head's alerts in its well-supported
  records, or - in the head's location - the failure it already belongs to (the groups
  joined to it so far, heads taken in onset order) does: a blip of background alerts on a
  callee explains no failure, but a quiet database that its first callers already joined
  explains a loud later caller too;
- the callee alerted in the head's location (region, cluster: ``location_labels``), unless
  the storm shows it alerting only elsewhere and no service alerting in several locations (a
  dependency deployed in one other cluster is called across; a fleet with a copy of each
  service per region keeps its calls in the region): a caller in one region does not fail
  from another region's deployment of its dependency;
- each group joins at most one such callee group (the best supported, then the nearest in
  time), so every joined group still has exactly one head - one root.

Nothing is ever split or moved between groups because of the topology, so a declared edge
between two unrelated failures can at worst join two groups whose onsets line up as a cascade
would; it can no longer pull a failure's buckets apart (the Louvain split of one big
topology-connected component did) or chain a storm into one component. An open incident is a
group like any other: when a later record shows that two open incidents are one cascade, they
end up in one group and the correlator merges them (:mod:`efficiency.correlate.merge`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from efficiency.correlate.graph import Node, onset_error, robust_onset, same_place
from efficiency.correlate.records import Topology
from efficiency.correlate.rules import CorrelationRules


@dataclass(frozen=True)
class GroupFront:
    """What the cascade test reads of one group: its head and when each service took off."""

    head_services: frozenset[str]
    head_onset: datetime
    onsets: dict[str, datetime]  #: service -> its earliest onset in the group
    head_size: int  #: alerts of the head record
    sizes: dict[str, int]  #: service -> alerts of its supported records in the group
    #: where the head and each service alerted (location label -> values)
    head_places: dict[str, frozenset[str]] = field(default_factory=dict)
    places: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    #: the group holds an incident opened by an earlier call (a failure already established)
    established: bool = False
    #: service -> how late its onset may stand after the real one (:func:`onset_error`)
    errors: dict[str, timedelta] = field(default_factory=dict)
    #: service -> when its alerts in the group's alert buckets started (sorted)
    times: dict[str, list[datetime]] = field(default_factory=dict)


def _weight(node: Node) -> int:
    return len(node.alerts) or node.alert_count


def _supported(group: Sequence[Node], rules: CorrelationRules) -> list[Node]:
    """The group's alert buckets with at least ``root_support`` of the alerts of its largest
    one, and its incidents holding alerts: a few background alerts folded into a group neither
    make it start somewhere else nor make it hold their service. An incident opened by a
    detection alone is left out: it has no alerts to weigh a callee's against (its head would
    explain any blip of a callee as its cause) and no alert onset to order a cascade by."""
    core = [n for n in group if n.kind == "alerts" or (n.kind == "incident" and n.alert_count)]
    if not core:
        return []
    largest = max(_weight(n) for n in core)
    return [n for n in core if n.kind == "incident" or _weight(n) >= rules.root_support * largest]


def _errors(node: Node) -> dict[str, timedelta]:
    """:func:`onset_error` per service of an alert bucket or incident node."""
    if node.kind == "alerts" and node.alerts:
        starts = sorted(a.starts_at for a in node.alerts)
        return dict.fromkeys(node.services, onset_error(starts, node.onset_at))
    return node.service_errors


def front(group: Sequence[Node], rules: CorrelationRules) -> GroupFront | None:
    """The group's head (its well-supported record that took off first), the services it holds
    and when each took off; None for a group with no alerts."""
    supported = _supported(group, rules)
    if not supported:
        return None
    first = min(supported, key=lambda n: (n.onset_at, n.id))
    onsets: dict[str, datetime] = {}
    sizes: dict[str, int] = defaultdict(int)
    places: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
    errors: dict[str, timedelta] = {}
    times: dict[str, list[datetime]] = defaultdict(list)

    def note(service: str, at: datetime, size: int, labels: dict[str, frozenset[str]]) -> None:
        if service not in onsets or at < onsets[service]:
            onsets[service] = at
        sizes[service] += size
        for name in rules.location_labels:
            if name in labels:
                places[service][name] = places[service].get(name, frozenset()) | labels[name]

    for node in supported:
        per_service = node.service_onsets or {s: node.onset_at for s in node.services}
        node_errors = _errors(node)
        if node.kind == "alerts":
            for service in node.services:
                times[service].extend(a.starts_at for a in node.alerts)
        for service, at in per_service.items():
            if service not in onsets or at < onsets[service]:
                errors[service] = node_errors.get(service, timedelta(0))
            size = node.service_sizes.get(service, 0) or _weight(node)
            note(service, at, size, node.service_places.get(service, node.labels))
        # an open incident's quieter services: callees a later caller may have failed from,
        # as their buckets would be in one batch (never its head, never same-service evidence)
        for service, (at, size) in node.quiet.items():
            if service not in onsets or at < onsets[service]:
                errors[service] = node_errors.get(service, timedelta(0))
            note(service, at, size, node.service_places.get(service, {}))
    head_services, head_onset, head_size = _head_of(first)
    head_places = {n: first.labels[n] for n in rules.location_labels if n in first.labels}
    established = any(n.kind == "incident" for n in group)
    return GroupFront(
        head_services,
        head_onset,
        onsets,
        head_size,
        dict(sizes),
        head_places,
        dict(places),
        established,
        errors,
        {s: sorted(t) for s, t in times.items()},
    )


def _head_of(node: Node) -> tuple[frozenset[str], datetime, int]:
    """(services, onset, alerts) of a group's first record. A bucket is one service; an open
    incident is read the same way, through the service its ranking puts first (else the one
    that took off first), not as the sum of everything it absorbed - so a record joins an
    incident on the same terms as it would join the incident's records in one batch."""
    onsets = node.service_onsets
    if node.kind != "incident" or not onsets:
        return node.services, node.onset_at, _weight(node)
    top = [s for s in node.root_services if s in onsets]
    service = top[0] if top else min(onsets, key=lambda s: (onsets[s], s))
    return frozenset({service}), onsets[service], node.service_sizes.get(service, 1)


def _cause(
    index: int,
    fronts: dict[int, GroupFront],
    holders: dict[str, list[int]],
    homes: dict[str, list[dict[str, frozenset[str]]]],
    reach: Callable[[int], int],
    replicated: bool,
    topology: Topology,
    rules: CorrelationRules,
) -> int | None:
    """The group that group ``index`` is a cascade of, if any: among the groups holding a
    service its head calls, with that service's onset in cascade order and at least
    ``root_support`` of the head's alerts (a blip of background alerts on a callee explains no
    failure, and must not chain two failures together; ``reach`` gives the alerts of the
    failure a group has joined so far, which count for a callee in the head's location) and
    in the head's location where the callee or the fleet (``replicated``) is deployed there,
    the one with the most alerts of it, then the one that took off last (the nearest cause)."""
    deps = topology.dependencies
    dependent = fronts[index]
    best: tuple[bool, int, datetime, int] | None = None
    for caller in dependent.head_services:
        if caller not in deps:
            continue
        for callee in deps.successors(caller):
            for other in holders.get(callee, ()):
                onset = fronts[other].onsets[callee]
                size = fronts[other].sizes[callee]
                lag = dependent.head_onset - onset
                if lag > rules.window:  # a callee alerting long before: did it take off again?
                    onset, size = _burst(fronts[other].times.get(callee, []), dependent, rules)
                    lag = dependent.head_onset - onset
                # a quiet callee's few alerts place its onset loosely: it may stand later
                slack = rules.cascade_slack + fronts[other].errors.get(callee, timedelta(0))
                if other == index or size == 0 or not -slack <= lag <= rules.window:
                    continue
                here = same_place(
                    dependent.head_places, fronts[other].places.get(callee, {}), rules
                )
                if not here and (
                    replicated
                    or any(same_place(dependent.head_places, p, rules) for p in homes[callee])
                ):
                    continue  # another deployment of the callee: it runs where the head does
                # a quiet callee already part of a larger failure in the head's location
                # explains a loud caller; across locations, only a callee of its own weight
                support = max(size, reach(other)) if here else size
                if support < rules.root_support * dependent.head_size:
                    continue
                key = (here and fronts[other].established, size, onset, -other)
                best = key if best is None or key > best else best
    return -best[3] if best is not None else None


def _burst(
    times: Sequence[datetime], dependent: GroupFront, rules: CorrelationRules
) -> tuple[datetime, int]:
    """(onset, alerts) of a callee's alerts in the window before the dependent's head took off
    (to ``cascade_slack`` after it): a service with a trickle of background alerts long before
    that then took off with its callers (twice the alerts of the window before) is read by
    the take-off, not by the trickle. (head onset, 0) when it did not take off there."""
    head, window = dependent.head_onset, rules.window
    recent = [t for t in times if head - window <= t <= head + rules.cascade_slack]
    before = [t for t in times if head - 2 * window <= t < head - window]
    if len(recent) < 2 * max(len(before), 1):
        return head, 0
    return robust_onset(recent, rules.onset_quantile), len(recent)


def join_cascades(
    groups: list[list[Node]],
    topology: Topology,
    rules: CorrelationRules,
    replicated: bool = False,
) -> list[list[Node]]:
    """``groups`` with each one that is the cascade of another joined to it (see the module
    docstring); the order of first appearance is kept. ``replicated``: the fleet is already
    known to run a service in several locations (from earlier batches: a stream's small batch
    may show each service in one place only)."""
    if topology.dependencies.number_of_edges() == 0 or len(groups) < 2:
        return groups
    fronts = {i: f for i, g in enumerate(groups) if (f := front(g, rules)) is not None}
    holders: dict[str, list[int]] = defaultdict(list)
    homes: dict[str, list[dict[str, frozenset[str]]]] = defaultdict(list)
    for index, f in fronts.items():
        for service in f.onsets:
            holders[service].append(index)
            homes[service].append(f.places.get(service, {}))
    # a service alerting in several locations: the fleet is deployed per location (a copy of
    # each service in every region or cluster), so a call stays in its own location
    replicated = replicated or any(
        not same_place(p, q, rules) for places in homes.values() for p in places for q in places
    )
    parent = {i: i for i in range(len(groups))}
    #: per joined group (its root): the alerts of its groups' supported services
    total = {i: sum(fronts[i].sizes.values()) if i in fronts else 0 for i in parent}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for index in sorted(fronts, key=lambda i: (fronts[i].head_onset, i)):
        cause = _cause(
            index,
            fronts,
            holders,
            homes,
            lambda i: total[root(i)],
            replicated,
            topology,
            rules,
        )
        if cause is not None and root(cause) != root(index):
            total[root(cause)] += total[root(index)]
            parent[root(index)] = root(cause)
    joined: dict[int, list[Node]] = {}
    for index, group in enumerate(groups):
        joined.setdefault(root(index), []).extend(group)
    return [sorted(g, key=lambda n: (n.start, n.id)) for g in joined.values()]
