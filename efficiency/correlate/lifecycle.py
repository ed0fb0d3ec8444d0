"""When a pending incident opens, and which resolved incident a new one repeats: the two
lifecycle rules of :class:`~efficiency.correlate.correlator.Correlator` that read only an
incident and the rules (split out of the correlator to keep it readable)."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from efficiency.correlate.incident import Incident
from efficiency.correlate.records import AlertRecord, severity_rank
from efficiency.correlate.rules import CorrelationRules


def previous_incident(
    alerts: list[AlertRecord],
    recurrence: Mapping[str, str],
    incidents: Mapping[str, Incident],
    signatures: MutableMapping[str, frozenset[tuple[str, str]]],
    rules: CorrelationRules,
) -> str | None:
    """The resolved incident a new one holding ``alerts`` (sorted by start) repeats: one that
    held the same fingerprint (``recurrence``), else the most recently resolved one with the
    same (service, alert name) in the recurrence horizon. ``signatures`` caches each resolved
    incident's (service, alert name) pairs (a resolved incident's never change)."""
    for alert in alerts:
        if alert.fingerprint in recurrence:
            return recurrence[alert.fingerprint]
    if not alerts:
        return None
    wanted = {(a.service, a.alertname) for a in alerts}
    onset = alerts[0].starts_at
    best: Incident | None = None
    for incident in incidents.values():
        if incident.status != "resolved" or incident.resolved_at is None:
            continue
        if not onset - rules.recurrence_horizon <= incident.resolved_at <= onset:
            continue
        if incident.key not in signatures:
            signatures[incident.key] = frozenset(
                (a.service, a.alertname) for a in incident.alerts.values()
            )
        shared = wanted & signatures[incident.key]
        if shared and (best is None or incident.resolved_at > (best.resolved_at or onset)):
            best = incident
    return best.key if best else None


def passes_open_rules(incident: Incident, rules: CorrelationRules) -> bool:
    """Whether a pending incident opens: enough alerts, one severe enough, or - with no
    alerts - its detections as the rules allow."""
    if len(incident.alerts) >= rules.open_after_alerts:
        return True
    if rules.open_at_severity is not None and incident.alerts:
        return severity_rank(incident.max_severity()) >= severity_rank(rules.open_at_severity)
    if incident.alerts or not incident.detections:
        return False
    if rules.open_on_detection:
        return True
    floor = rules.open_on_anomaly_score
    return floor is not None and any(
        d.kind == "anomaly" and d.score is not None and d.score >= floor
        for d in incident.detections.values()
    )
