"""Undo joins across locations that a stream made before the fleet showed its deployment.

A call graph names services, not deployments. Until some service has alerted in two
locations (region, cluster: ``location_labels``), a storm cannot tell a fleet that calls
across clusters from one that runs a copy of each service per location, so the cascade join
(:mod:`efficiency.correlate.cascade`) lets a caller in one location join its callee failing in
another. One batch of the whole storm sees the copies and keeps each call in its location; a
stream sees them only later. When it does, each open incident is regrouped as one batch of its
own alerts would be (same evidence, the call graph with the fleet known to be per location),
and the groups that alerted only in locations the incident's main group never alerted in are
split off: a failure in another location that the early join took for a cascade. Groups that
share a location with the main group stay (nothing else is ever undone).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from efficiency.correlate.graph import alert_buckets, evidence_graph
from efficiency.correlate.grouping import partition
from efficiency.correlate.incident import Incident
from efficiency.correlate.records import AlertRecord, Topology
from efficiency.correlate.rules import CorrelationRules
from efficiency.correlate.takeoff import join_groups


def _places(alerts: Sequence[AlertRecord], rules: CorrelationRules) -> set[tuple[str, ...]]:
    return {tuple(a.labels.get(n, "") for n in rules.location_labels) for a in alerts}


def split_across(
    alerts: Sequence[AlertRecord],
    root: str | None,
    topology: Topology,
    rules: CorrelationRules,
) -> list[list[AlertRecord]]:
    """The alert sets to split out of an incident holding ``alerts`` (see the module
    docstring); ``root`` is the service its ranking puts first, whose group stays (else the
    group with the most alerts)."""
    if len(_places(alerts, rules)) < 2:
        return []
    nodes = alert_buckets(alerts, rules)
    local = Topology(cooccurrence=topology.cooccurrence)
    groups = partition(evidence_graph(nodes, local, rules), rules)
    groups = join_groups(groups, topology, rules, replicated=True)
    if len(groups) < 2:
        return []
    members = [[a for n in g for a in n.alerts] for g in groups]

    def rank(i: int) -> tuple[bool, int]:
        return (any(a.service == root for a in members[i]), len(members[i]))

    main = max(range(len(members)), key=rank)
    home = _places(members[main], rules)
    return [m for i, m in enumerate(members) if i != main and m and not _places(m, rules) & home]


def split_incidents(
    incidents: dict[str, Incident],
    keys: Iterable[str],
    owner: dict[str, str],
    topology: Topology,
    rules: CorrelationRules,
    touched: set[str],
) -> dict[str, str]:
    """Split :func:`split_across`'s alert sets out of the active incidents among ``keys`` into
    new pending incidents (``incidents`` and ``owner``, fingerprint -> incident key, updated in
    place; the incidents that changed added to ``touched``); the new keys -> the key each came
    from. Detections and changes stay with the incident they were in."""
    made: dict[str, str] = {}
    for key in sorted(keys):
        incident = incidents.get(key)
        if incident is None or incident.status not in ("pending", "open", "acknowledged"):
            continue
        top = next((r.name for r in incident.root_causes if r.kind == "service"), None)
        for part in split_across(list(incident.alerts.values()), top, topology, rules):
            part.sort(key=lambda a: (a.starts_at, a.fingerprint))
            seed = f"{part[0].fingerprint}|{part[0].starts_at.isoformat()}|{key}"
            digest = hashlib.sha1(seed.encode()).hexdigest()[:16]
            child = Incident(key=f"inc-{digest}", status="pending", group=incident.group)
            for alert in part:
                del incident.alerts[alert.fingerprint]
                child.alerts[alert.fingerprint] = alert
                owner[alert.fingerprint] = child.key
            incidents[child.key] = child
            made[child.key] = key
            touched |= {key, child.key}
    return made
