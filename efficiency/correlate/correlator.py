"""The incremental correlator: records in, incident updates out, in event time.

:class:`Correlator` keeps the incidents it has formed (pending, open, acknowledged, resolved)
and, on each :meth:`~Correlator.add`, builds the evidence graph of the *new* records plus the
incidents that are still active, partitions it (:mod:`efficiency.correlate.grouping`) and

- lets an active incident absorb the records grouped with it (an alert whose fingerprint it
  already holds is simply updated);
- merges the active incidents that end up in one group (a later record showed they are one
  cascade: :mod:`efficiency.correlate.cascade`) into the one that took off first, reporting
  each absorbed one as a ``merged`` update (:mod:`efficiency.correlate.merge`);
- turns every other group into a new incident, *pending* until the opening rules pass (enough
  alerts, or one severe enough);
- when a service first alerts in two locations, splits out of the open incidents what they
  joined across locations before (:mod:`efficiency.correlate.split`), as a new incident with
  ``split_from`` set;
- never lets a resolved incident absorb anything: a new alert that matches one (same
  fingerprint, or same service and alert name, within ``recurrence_horizon``) opens a new
  incident whose ``previous_incident`` is the old key.

Nothing reads the wall clock: ``now`` is the event-time watermark the caller passes, used only
to forget pending groups and buffered changes that can no longer match anything. Sending pages
is someone else's job (:mod:`efficiency.notify`); this only says what changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from efficiency.correlate.graph import Node, alert_buckets, evidence_graph, incident_node
from efficiency.correlate.grouping import partition
from efficiency.correlate.incident import Incident
from efficiency.correlate.lifecycle import passes_open_rules, previous_incident
from efficiency.correlate.locality import TakeoffLocality
from efficiency.correlate.merge import absorb, survivor
from efficiency.correlate.peers import PeerEdges
from efficiency.correlate.records import (
    AlertRecord,
    ChangeRecord,
    DetectionRecord,
    IncidentUpdate,
    Topology,
)
from efficiency.correlate.rootcause import RankingWeights, rank_root_causes
from efficiency.correlate.rules import CorrelationRules
from efficiency.correlate.sessions import continue_sessions
from efficiency.correlate.split import split_incidents
from efficiency.correlate.takeoff import join_groups, ranking_topology

Record = AlertRecord | DetectionRecord | ChangeRecord
ACTIVE = frozenset({"pending", "open", "acknowledged"})


class Correlator:
    """Incidents from alerts, detections and changes; see the module docstring."""

    def __init__(
        self,
        rules: CorrelationRules | None = None,
        topology: Topology | None = None,
        weights: RankingWeights | None = None,
    ) -> None:
        self.rules = rules or CorrelationRules()
        self.topology = topology or Topology()
        self.weights = weights or RankingWeights(change_lookback=self.rules.change_lookback)
        self.incidents: dict[str, Incident] = {}
        self._by_fingerprint: dict[str, str] = {}
        self._changes: dict[int, ChangeRecord] = {}
        #: (service, alert name) pairs of resolved incidents, for recurrence links
        self._signatures: dict[str, frozenset[tuple[str, str]]] = {}
        #: call edges the alerts' peer labels state (efficiency.correlate.peers)
        self._peers = PeerEdges(self.rules)
        #: service -> the locations (location label values) it alerted in
        self._places: dict[str, set[tuple[str, ...]]] = {}
        #: some service has alerted in two locations (the fleet runs copies per location)
        self._per_location = False
        #: whether near take-offs show failures staying in their location
        self._locality = TakeoffLocality(self.rules)

    def restore(self, incidents: Iterable[Incident], changes: Iterable[ChangeRecord]) -> None:
        """Take up where an earlier process stopped: its incidents (active ones and the
        resolved ones still inside the recurrence horizon) and the changes still in the
        lookback, as the store kept them."""
        ordered = sorted(incidents, key=lambda inc: inc.status in ACTIVE)
        for incident in ordered:  # resolved first, so an active holder of a fingerprint wins
            self.incidents[incident.key] = incident
            for fingerprint in incident.alerts:
                self._by_fingerprint[fingerprint] = incident.key
            self._replicated(incident.alerts.values())
            self._locality.learn(alert_buckets(incident.alerts.values(), self.rules))
            self._peers.learn(incident.alerts.values())
        for change in changes:
            self._changes[change.id] = change

    # -- lifecycle -------------------------------------------------------------------------

    def acknowledge(self, key: str, at: datetime) -> IncidentUpdate:
        incident = self.incidents[key]
        if incident.status == "open":
            incident.status = "acknowledged"
        return self._snapshot(incident, "acknowledged")

    def resolve(self, key: str, at: datetime) -> IncidentUpdate:
        """Close an incident for good: from now on it absorbs nothing."""
        incident = self.incidents[key]
        incident.status = "resolved"
        incident.resolved_at = incident.resolved_at or at
        return self._snapshot(incident, "resolved")

    # -- correlation -----------------------------------------------------------------------

    def add(self, records: Iterable[Record], now: datetime) -> list[IncidentUpdate]:
        """Correlate a batch of new records; return one update per incident that opened or
        changed. An alert seen twice in one batch counts once, in its last given state."""
        alerts: dict[str, AlertRecord] = {}
        detections: list[DetectionRecord] = []
        for record in records:
            if isinstance(record, AlertRecord):
                alerts[record.fingerprint] = record
            elif isinstance(record, DetectionRecord):
                detections.append(record)
            else:
                self._changes[record.id] = record
        touched: set[str] = set()
        fresh: list[AlertRecord] = []
        recurrence: dict[str, str] = {}
        for fingerprint, alert in alerts.items():
            key = self._by_fingerprint.get(fingerprint)
            incident = self.incidents.get(key) if key else None
            if incident is not None and incident.status in ACTIVE:
                if incident.alerts.get(fingerprint) != alert:
                    incident.alerts[fingerprint] = alert
                    touched.add(incident.key)
            elif incident is not None and alert.status == "resolved":
                incident.alerts[fingerprint] = alert  # a late resolve of a closed incident
            else:
                if incident is not None:
                    recurrence[fingerprint] = incident.key
                fresh.append(alert)
        fresh = self._continue(fresh, touched)
        known = {d for inc in self.incidents.values() for d in inc.detections}
        detections = [d for d in detections if d.id not in known]
        severity_before = {k: inc.max_severity() for k, inc in self.incidents.items()}
        merged: list[IncidentUpdate] = []
        known, before = self._per_location, set(self.incidents)
        for group in self._group(fresh, detections, now):
            key = self._absorb(group, recurrence, merged, now)
            if key is not None:
                touched.add(key)
        split = self._split(before, touched) if self._per_location and not known else {}
        touched -= {u.key for u in merged}
        updates = [self._evaluate(self.incidents[k], severity_before.get(k)) for k in touched]
        updates = [
            replace(u, split_from=split[u.key]) if u and u.key in split else u for u in updates
        ]
        updates += merged
        self._forget(now)
        return sorted((u for u in updates if u is not None), key=lambda u: (u.opened_at, u.key))

    def _continue(self, fresh: list[AlertRecord], touched: set[str]) -> list[AlertRecord]:
        """Give the alerts that continue a session of an active incident to it (as one batch
        would have folded them into its bucket, :mod:`efficiency.correlate.sessions`); the
        rest, to be grouped."""
        held = ((k, i.alerts.values()) for k, i in self.incidents.items() if i.status in ACTIVE)
        taken, rest = continue_sessions(fresh, held, self.rules)
        for key, alerts in taken.items():
            for alert in alerts:
                self.incidents[key].alerts[alert.fingerprint] = alert
                self._by_fingerprint[alert.fingerprint] = key
            touched.add(key)
        return rest

    def _group(
        self, alerts: list[AlertRecord], detections: list[DetectionRecord], now: datetime
    ) -> list[list[Node]]:
        rules = self.rules
        nodes = alert_buckets(alerts, rules)
        self._locality.learn(nodes)
        nodes += [
            Node(
                id=f"d{d.id}",
                kind="detection",
                services=frozenset({d.service}),
                start=d.onset_at,
                end=d.onset_at,
                alerts=[],
                changes=frozenset({d.suspected_change_id})
                if d.suspected_change_id
                else frozenset(),
                detection=d,
            )
            for d in detections
        ]
        if not nodes:
            return []
        earliest = min(n.start for n in nodes)
        for incident in self.incidents.values():
            if incident.status in ACTIVE and incident.last_at >= earliest - rules.window:
                nodes.append(incident_node(incident, self.rules))
        for change in self._changes.values():
            nodes.append(
                Node(
                    id=f"c{change.id}",
                    kind="change",
                    services=frozenset({change.service}),
                    start=change.at,
                    end=change.at + rules.change_lookback,
                    changes=frozenset({change.id}),
                    change=change,
                )
            )
        # the call graph joins groups only where time order agrees (efficiency.correlate.cascade)
        local = Topology(cooccurrence=self.topology.cooccurrence)
        groups = partition(evidence_graph(nodes, local, rules), rules)
        self._peers.learn(alerts)
        topology = self._peers.topology(self.topology)
        replicated = self._replicated(alerts)
        return join_groups(groups, topology, rules, replicated, self._locality.local())

    def _replicated(self, alerts: Iterable[AlertRecord]) -> bool:
        """Whether any service has alerted in two locations so far (this batch included)."""
        for alert in alerts:
            place = tuple(alert.labels.get(n, "") for n in self.rules.location_labels)
            self._places.setdefault(alert.service or "", set()).add(place)
        self._per_location = any(len(p) > 1 for s, p in self._places.items() if s)
        return self._per_location

    def _split(self, keys: Iterable[str], touched: set[str]) -> dict[str, str]:
        """Split out of the active incidents in ``keys`` what they joined across locations
        before the fleet showed copies per location (:mod:`efficiency.correlate.split`)."""
        topology = self._peers.topology(self.topology)
        return split_incidents(
            self.incidents, keys, self._by_fingerprint, topology, self.rules, touched
        )

    def _absorb(
        self,
        group: list[Node],
        recurrence: dict[str, str],
        merged: list[IncidentUpdate],
        now: datetime,
    ) -> str | None:
        """Put the group's records in its incident, creating one when it has none, and merge
        the other incidents of the group into it (:mod:`efficiency.correlate.merge`; each
        absorbed incident that was paged adds a ``merged`` update to ``merged``); the key of
        the incident when it gained anything."""
        held = [self.incidents[n.incident_key] for n in group if n.incident_key is not None]
        if not held:
            incident = self._new_incident(group, recurrence)
        else:
            onsets = {n.incident_key: n.onset_at for n in group if n.incident_key}
            incident = survivor(held, onsets)
            for other in held:
                if other is not incident:
                    if other.status != "pending":
                        update = self._snapshot(other, "merged")
                        merged.append(replace(update, status="resolved", merged_into=incident.key))
                    absorb(incident, other, now, self._by_fingerprint)
                    del self.incidents[other.key]
        if len(held) == 1 and not any(
            n.alerts or n.detection or (n.change and n.change.id not in incident.changes)
            for n in group
        ):
            return None
        for node in group:
            for alert in node.alerts:
                incident.alerts[alert.fingerprint] = alert
                self._by_fingerprint[alert.fingerprint] = incident.key
            if node.detection is not None:
                incident.detections[node.detection.id] = node.detection
            if node.change is not None:
                incident.changes[node.change.id] = node.change
        return incident.key

    def _new_incident(self, group: list[Node], recurrence: dict[str, str]) -> Incident:
        alerts = sorted(
            (a for n in group for a in n.alerts), key=lambda a: (a.starts_at, a.fingerprint)
        )
        if alerts:
            seed = f"{alerts[0].fingerprint}|{alerts[0].starts_at.isoformat()}"
        else:
            seed = "|".join(n.id for n in group)
        key = "inc-" + hashlib.sha1(seed.encode()).hexdigest()[:16]
        group_values = next((n.group for n in group if n.group is not None), None)
        incident = Incident(key=key, status="pending", group=group_values)
        incident.previous_incident = previous_incident(
            alerts, recurrence, self.incidents, self._signatures, self.rules
        )
        self.incidents[key] = incident
        return incident

    def _evaluate(self, incident: Incident, severity_before: str | None) -> IncidentUpdate | None:
        action: str
        if incident.status == "pending":
            if not passes_open_rules(incident, self.rules):
                return None
            incident.status = "open"
            incident.opened_at = incident.first_at
            action = "opened"
        else:
            action = "updated"
        incident.severity = incident.max_severity()
        alerts, changes = list(incident.alerts.values()), self._suspect_changes(incident)
        topology = ranking_topology(
            self._peers.topology(self.topology),
            alerts,
            self.rules,
            self._per_location or self._locality.local(),
        )
        incident.root_causes = tuple(
            rank_root_causes(
                alerts, list(incident.detections.values()), changes, topology, self.weights
            )
        )
        return self._snapshot(incident, action)

    def _suspect_changes(self, incident: Incident) -> list[ChangeRecord]:
        """Changes of the incident's services in the lookback before it started (from the
        buffer too: a deploy need not share an edge with the alerts to be a suspect)."""
        services = set(incident.services)
        start = incident.first_at
        found = dict(incident.changes)
        for change in self._changes.values():
            recent = start - self.rules.change_lookback <= change.at <= incident.last_at
            if change.service in services and recent:
                found[change.id] = change
        return sorted(found.values(), key=lambda c: (c.at, c.id))

    def _forget(self, now: datetime) -> None:
        """Drop what can no longer match: pending groups quiet for a window, changes older
        than the lookback, resolved incidents beyond the recurrence horizon."""
        rules = self.rules
        for key, incident in list(self.incidents.items()):
            stale = (incident.status == "pending" and incident.last_at < now - rules.window) or (
                incident.status == "resolved"
                and incident.resolved_at is not None
                and incident.resolved_at < now - rules.recurrence_horizon
            )
            if stale:
                del self.incidents[key]
                self._signatures.pop(key, None)
                for fingerprint in incident.alerts:
                    if self._by_fingerprint.get(fingerprint) == key:
                        del self._by_fingerprint[fingerprint]
        horizon = now - rules.change_lookback - rules.window
        self._changes = {i: c for i, c in self._changes.items() if c.at >= horizon}

    def snapshot(self, key: str) -> IncidentUpdate:
        """The incident as it is now (pending ones too), as an ``updated`` update."""
        return self._snapshot(self.incidents[key], "updated")

    def _snapshot(self, incident: Incident, action: str) -> IncidentUpdate:
        services = incident.services
        top = incident.root_causes[0].name if incident.root_causes else ", ".join(services)
        alertnames = sorted({a.alertname for a in incident.alerts.values() if a.alertname})
        n, m = len(incident.alerts), len(services)
        title = f"{n} alert{'s' * (n != 1)} on {m} service{'s' * (m != 1)}"
        if alertnames:
            title += f" ({', '.join(alertnames[:3])})"
        title += f"; likely cause: {top}" if top else ""
        return IncidentUpdate(
            action=action,  # type: ignore[arg-type]
            key=incident.key,
            status=incident.status,
            severity=incident.severity,
            title=title,
            services=services,
            opened_at=incident.opened_at or incident.first_at,
            alert_fingerprints=tuple(sorted(incident.alerts)),
            detection_ids=tuple(sorted(incident.detections)),
            change_ids=tuple(c.id for c in self._suspect_changes(incident)),
            root_causes=incident.root_causes,
            previous_incident=incident.previous_incident,
            resolved_at=incident.resolved_at,
        )
