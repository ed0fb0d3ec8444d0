"""The dashboard benchmark's incidents: 10,000 incidents holding 1,000,000 alert firings (one a
storm of 5,000, still open) with their pages and audit rows (the month of deploys, detections,
hot spots, proposals and savings is :mod:`benchmarks.dashboard_remediation`'s). Synthetic, for
speed measurements only (see :mod:`benchmarks.dashboard_data`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from benchmarks.dashboard_data import Scale, Writer

SEVERITIES = ("critical", "warning", "warning", "info", "error")


def incidents(
    w: Writer,
    rng: np.random.Generator,
    services: list[str],
    start: datetime,
    end: datetime,
    scale: Scale,
) -> None:
    n = scale.incidents
    rest = scale.alerts - scale.storm
    sizes = rng.geometric(1 / (rest / (n - 1)), n - 1)
    sizes = np.maximum(1, (sizes * rest / sizes.sum()).astype(int))
    sizes[-1] += rest - sizes.sum()
    sizes = [scale.storm, *sizes.tolist()]
    span = (end - start).total_seconds()
    incidents, shapes, pages, actions = [], [], [], []
    for i, size in enumerate(sizes, start=1):
        opened = (
            end - timedelta(minutes=30)
            if i == 1
            else start + timedelta(seconds=float(rng.random()) * (span - 7200))
        )
        recent = opened > end - timedelta(days=1)
        status = (
            "open"
            if i == 1 or (recent and i % 3 == 0)
            else ("acknowledged" if recent and i % 3 == 1 else "resolved")
        )
        svc = [services[int(k)] for k in rng.choice(len(services), 1 + i % 3, replace=False)]
        severity = SEVERITIES[i % len(SEVERITIES)] if i > 1 else "critical"
        resolved = opened + timedelta(minutes=45) if status == "resolved" else None
        causes = [
            {
                "kind": "service",
                "name": svc[0],
                "score": 0.9,
                "alerts": size,
                "onset_at": opened.isoformat(),
                "support": 1.0,
                "upstream": 0.6,
            }
        ]
        incidents.append(
            (
                i,
                f"inc-{i:08d}",
                status,
                severity,
                f"{size} alerts on {len(svc)} services; likely cause: {svc[0]}",
                w.j(svc),
                w.t(opened),
                None,
                w.t(resolved),
                w.t(resolved or opened),
                w.j(causes),
                False,
                "",
                None,
            )
        )
        shapes.append((i, size, svc, severity, opened, resolved))
        for action in ["trigger"] + (["resolve"] if resolved else []):
            pages.append(
                (
                    len(pages) + 1,
                    i,
                    "ops/0-pagerduty",
                    action,
                    0,
                    f"inc-{i:08d}",
                    "sent",
                    1,
                    None,
                    "",
                    "{}",
                    w.t(opened),
                    w.t(opened),
                )
            )
        if status != "open":
            actions.append((len(actions) + 1, i, "acknowledge", "oncall", w.t(opened), "{}"))
    w.rows(
        "incidents",
        [
            "id",
            "key",
            "status",
            "severity",
            "title",
            "services",
            "opened_at",
            "acknowledged_at",
            "resolved_at",
            "updated_at",
            "root_causes",
            "flapping",
            "silenced",
            "merged_into_id",
        ],
        incidents,
    )
    w.rows(
        "pages",
        [
            "id",
            "incident_id",
            "route",
            "action",
            "revision",
            "dedup_key",
            "state",
            "attempts",
            "next_attempt_at",
            "last_error",
            "payload",
            "created_at",
            "sent_at",
        ],
        pages,
    )
    w.rows("incident_actions", ["id", "incident_id", "action", "actor", "at", "detail"], actions)
    alerts, links = [], []
    alert_id = 0
    for i, size, svc, severity, opened, resolved in shapes:
        for a in range(size):
            alert_id += 1
            s = svc[a % len(svc)]
            at = opened + timedelta(seconds=float(a) * 1800 / size)
            labels = {
                "alertname": f"Alert{a % 40}",
                "service": s,
                "severity": severity,
                "instance": f"{s}-{a % 25}",
                "cluster": "eu-1",
            }
            alerts.append(
                (
                    alert_id,
                    f"{alert_id:016x}",
                    w.t(at),
                    w.t(resolved),
                    "resolved" if resolved else "firing",
                    labels["alertname"],
                    s,
                    severity,
                    w.j(labels),
                    w.j({"summary": f"{labels['alertname']} on {s}"}),
                    "",
                    "alertmanager",
                    w.t(at),
                    w.t(at),
                )
            )
            links.append((i, alert_id))
        if len(alerts) > 200_000:
            _flush_alerts(w, alerts, links)
            alerts, links = [], []
    _flush_alerts(w, alerts, links)


def _flush_alerts(w: Writer, alerts: list[tuple[Any, ...]], links: list[tuple[Any, ...]]) -> None:
    w.rows(
        "alerts",
        [
            "id",
            "fingerprint",
            "starts_at",
            "ends_at",
            "status",
            "alertname",
            "service",
            "severity",
            "labels",
            "annotations",
            "generator_url",
            "source",
            "first_seen_at",
            "last_seen_at",
        ],
        alerts,
    )
    w.rows("incident_alerts", ["incident_id", "alert_id"], links)
