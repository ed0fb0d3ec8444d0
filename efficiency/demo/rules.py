"""The demo's alert rules, from the measured baseline, in two forms that agree: a Prometheus
rules file, and an evaluator over the demo's own scrapes for machines without Prometheus,
which sends what Alertmanager would (its API v2 alerts, or its webhook v4 body).

A rule fires when a service's p90 latency over the last 5 s stays above its threshold for 2
s; the threshold is 1.5 times the service's p90 over the whole baseline. The rules are armed
when the deploy starts, so what fires is what the deploy did.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from collectors.errors import CollectorError
from efficiency.demo.measure import LATENCY, WINDOW_S, Scraper

#: which services page on latency, and how loudly: the front door is what users see
ALERTING = {"storefront": "critical", "checkout": "warning"}
FOR_S = 2.0
#: a threshold is this many times the baseline's p90
FACTOR = 1.5
#: keep firing this long after the p90 dips back (Prometheus' keep_firing_for): one page per
#: incident, not one per wobble
KEEP_FIRING_S = 60.0
ZERO_TIME = "0001-01-01T00:00:00Z"


@dataclass(frozen=True)
class LatencyRule:
    service: str
    severity: str
    threshold: float
    baseline_p90: float

    @property
    def alertname(self) -> str:
        return f"{self.service.capitalize()}LatencyHigh"

    @property
    def expr(self) -> str:
        selector = f'{LATENCY}_bucket{{service="{self.service}"}}[{WINDOW_S:g}s]'
        p90 = f"histogram_quantile(0.9, sum by (le, service) (rate({selector})))"
        return f"{p90} > {self.threshold:.6f}"

    @property
    def labels(self) -> dict[str, str]:
        return {"alertname": self.alertname, "service": self.service, "severity": self.severity}

    @property
    def annotations(self) -> dict[str, str]:
        return {"summary": f"{self.service}: p90 latency above {self.threshold * 1e3:.1f} ms",
                "description": f"baseline p90 {self.baseline_p90 * 1e3:.1f} ms"}  # fmt: skip


def baseline_rules(
    scraper: Scraper, start: datetime, end: datetime, alerting: dict[str, str] | None = None
) -> list[LatencyRule]:
    """One rule per service of ``alerting`` (service -> severity; default ``ALERTING``), its
    threshold from the baseline in ``[start, end]``."""
    rules = []
    for service, severity in (alerting or ALERTING).items():
        whole = scraper.quantile(service, start, end)
        if whole is None:
            raise CollectorError(f"no {service} latency measured in the baseline")
        rules.append(LatencyRule(service, severity, FACTOR * whole, whole))
    return rules


def rules_yaml(rules: list[LatencyRule]) -> str:
    """The rules as a Prometheus rules file."""
    import yaml

    group = {"name": "demo-latency", "interval": "1s", "rules": [
        {"alert": r.alertname, "expr": r.expr, "for": f"{FOR_S:g}s",
         "keep_firing_for": f"{KEEP_FIRING_S:g}s", "labels": {"severity": r.severity},
         "annotations": r.annotations} for r in rules]}  # fmt: skip
    return yaml.safe_dump({"groups": [group]}, sort_keys=False)


def fingerprint(labels: dict[str, str]) -> str:
    """Alertmanager's fingerprint of a label set: FNV-1a 64 over the sorted names and values,
    each followed by the byte 255 (prometheus/common ``LabelSet.Fingerprint``)."""
    h = 14695981039346656037
    for name in sorted(labels):
        for part in (name, labels[name]):
            for byte in part.encode() + b"\xff":
                h = ((h ^ byte) * 1099511628211) % (1 << 64)
    return f"{h:016x}"


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Firing:
    """One alert's firing: when it started and, once over, when it ended."""

    rule: LatencyRule
    starts_at: datetime
    ends_at: datetime | None = None

    def api(self) -> dict[str, Any]:
        """As Prometheus posts it to Alertmanager's ``/api/v2/alerts``."""
        ends = {"endsAt": _iso(self.ends_at)} if self.ends_at else {}
        return {"labels": self.rule.labels, "annotations": self.rule.annotations,
                "startsAt": _iso(self.starts_at), **ends, "generatorURL": ""}  # fmt: skip

    def webhook(self) -> dict[str, Any]:
        """As Alertmanager's webhook lists it."""
        return {"status": "resolved" if self.ends_at else "firing", **self.api(),
                "endsAt": _iso(self.ends_at) if self.ends_at else ZERO_TIME,
                "fingerprint": fingerprint(self.rule.labels)}  # fmt: skip


def webhook_body(alerts: list[Firing]) -> dict[str, Any]:
    """The alerts as Alertmanager's webhook (version 4) posts them: one group (the route
    groups by nothing), keyed ``{}:{}``, firing while any of its alerts is."""
    listed = [a.webhook() for a in alerts]
    status = "firing" if any(a.ends_at is None for a in alerts) else "resolved"
    return {"version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0, "status": status,
            "receiver": "efficiency", "groupLabels": {}, "commonLabels": _common(listed, "labels"),
            "commonAnnotations": _common(listed, "annotations"), "externalURL": "",
            "alerts": listed}  # fmt: skip


def _common(alerts: list[dict[str, Any]], key: str) -> dict[str, str]:
    pairs = [set(a[key].items()) for a in alerts]
    return dict(sorted(set.intersection(*pairs))) if pairs else {}


class RuleEvaluator:
    """The rules evaluated on each scrape round, as Prometheus would: pending once above the
    threshold, firing after ``FOR_S``, kept firing ``KEEP_FIRING_S`` after a dip, then
    resolved. Each change is handed to ``send`` with every alert of the group."""

    def __init__(
        self, scraper: Scraper, rules: list[LatencyRule], send: Callable[[list[Firing]], None]
    ) -> None:
        self.scraper, self.rules, self.send = scraper, rules, send
        self.pending: dict[LatencyRule, datetime] = {}
        self.alerts: dict[LatencyRule, Firing] = {}
        self.last_above: dict[LatencyRule, datetime] = {}
        #: each rule's last p90
        self.last: dict[LatencyRule, float] = {}
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, at: datetime) -> None:
        with self._lock:
            changed = False
            for rule in self.rules:
                p90 = self.scraper.quantile(rule.service, at - timedelta(seconds=WINDOW_S), at)
                if p90 is not None:
                    self.last[rule] = p90
                alert = self.alerts.get(rule)
                firing = alert is not None and alert.ends_at is None
                if p90 is not None and p90 > rule.threshold:
                    self.last_above[rule] = at
                    since = self.pending.setdefault(rule, at)
                    if not firing and (at - since).total_seconds() >= FOR_S:
                        self.alerts[rule], changed = Firing(rule, at), True
                    continue
                self.pending.pop(rule, None)
                seen = self.last_above.get(rule)
                if alert and firing and seen and (at - seen).total_seconds() > KEEP_FIRING_S:
                    alert.ends_at, changed = at, True
            if changed:
                try:
                    self.send(list(self.alerts.values()))
                except Exception as exc:
                    self.errors.append(str(exc))
