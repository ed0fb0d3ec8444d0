"""With no call graph at all: join the groups of one location that take off together.

Without a services file, mesh call metrics or peer labels, nothing but time and place links a
caller to the dependency it failed from, and whether that is enough depends on how the fleet
is deployed:

- when each service runs in one place (one cluster), calls cross locations and a location's
  services fail for unrelated reasons at once: several failures starting in one minute look
  exactly like one cascade, so nothing is joined;
- when the fleet runs a copy of its services per location - the store has seen a service alert
  in two regions or clusters, the ``replicated`` fact the cascade join reads too - a call stays
  in its location, so a failure stays in one location, and a group whose head takes off shortly
  (``takeoff_lag``) after a well-supported service of another group *in the same location* is
  read as its cascade.

Even then two failures of one location may overlap, so the join is guarded: a group joins only
when every candidate it could have failed from already belongs to one failure (one joined
group); two candidates of different failures leave it apart, as does a candidate with fewer
than ``root_support`` of the head's alerts (a blip of background alerts explains no failure).
Groups are taken in onset order, as :mod:`efficiency.correlate.cascade` does, so a failure
grows from its root outward and each joined group still has one head - one root.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from efficiency.correlate.cascade import GroupFront, front, join_cascades
from efficiency.correlate.graph import Node, same_place
from efficiency.correlate.records import Topology
from efficiency.correlate.rules import CorrelationRules


def _placed(places: dict[str, frozenset[str]], rules: CorrelationRules) -> bool:
    return any(name in places for name in rules.location_labels)


def _candidates(
    index: int,
    fronts: dict[int, GroupFront],
    earlier: list[int],
    reach: Callable[[int], int],
    rules: CorrelationRules,
) -> set[int]:
    """The groups whose services took off in the head's location from ``takeoff_lag`` before
    the head to ``cascade_slack`` (plus the service's onset error) after it, with the support
    to explain it."""
    lag_limit = rules.takeoff_lag
    assert lag_limit is not None
    dependent = fronts[index]
    if not _placed(dependent.head_places, rules):
        return set()
    found: set[int] = set()
    for other in earlier:
        candidate = fronts[other]
        for service, onset in candidate.onsets.items():
            lag = dependent.head_onset - onset
            slack = rules.cascade_slack + candidate.errors.get(service, onset - onset)
            if not -slack <= lag <= lag_limit:
                continue
            places = candidate.places.get(service, {})
            if not _placed(places, rules) or not same_place(dependent.head_places, places, rules):
                continue
            support = max(candidate.sizes.get(service, 0), reach(other))
            if support >= rules.root_support * dependent.head_size:
                found.add(other)
                break
    return found


def join_takeoffs(
    groups: list[list[Node]], rules: CorrelationRules, replicated: bool
) -> list[list[Node]]:
    """``groups`` with each one joined to the failure of its location it took off with (see
    the module docstring); unchanged unless the fleet is ``replicated`` per location."""
    if rules.takeoff_lag is None or not replicated or len(groups) < 2:
        return groups
    fronts = {i: f for i, g in enumerate(groups) if (f := front(g, rules)) is not None}
    parent = {i: i for i in range(len(groups))}
    total = {i: sum(fronts[i].sizes.values()) if i in fronts else 0 for i in parent}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(fronts, key=lambda i: (fronts[i].head_onset, i))
    for position, index in enumerate(order):
        causes = _candidates(index, fronts, order[:position], lambda i: total[root(i)], rules)
        failures = {root(c) for c in causes}
        if len(failures) != 1:
            continue  # no cause, or two failures it could be part of: leave it apart
        cause = failures.pop()
        if cause != root(index):
            total[cause] += total[root(index)]
            parent[root(index)] = cause
    joined: dict[int, list[Node]] = defaultdict(list)
    for index, group in enumerate(groups):
        joined[root(index)].extend(group)
    return [sorted(g, key=lambda n: (n.start, n.id)) for g in joined.values()]


def join_groups(
    groups: list[list[Node]], topology: Topology, rules: CorrelationRules, replicated: bool
) -> list[list[Node]]:
    """The groups joined along the call graph where one is known
    (:func:`~efficiency.correlate.cascade.join_cascades`), else by take-off in a location
    (:func:`join_takeoffs`): a topology replaces the guess, it never adds to it."""
    if topology.dependencies.number_of_edges() > 0:
        return join_cascades(groups, topology, rules, replicated)
    return join_takeoffs(groups, rules, replicated)
