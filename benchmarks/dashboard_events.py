"""The dashboard benchmark's incidents and remediation records: 10,000 incidents holding
1,000,000 alert firings (one a storm of 5,000, still open) with their pages and audit rows,
and a month of deploys, detections, hot spots, proposals and savings for the fleet.
Synthetic, for speed measurements only (see :mod:`benchmarks.dashboard_data`)."""

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


def remediation(
    w: Writer,
    rng: np.random.Generator,
    services: list[str],
    start: datetime,
    end: datetime,
    n_incidents: int,
) -> None:
    changes, detections, spots, proposals, savings = [], [], [], [], []
    for k, service in enumerate(services):
        for d in range(30):
            changes.append(
                (
                    len(changes) + 1,
                    service,
                    "deploy",
                    w.t(start + timedelta(days=d, hours=int(rng.integers(8, 18)))),
                    str(d),
                    f"{k:02d}{d:04d}",
                    "dev",
                    "",
                    "api",
                    "{}",
                    w.t(end),
                )
            )
        for d in range(100):
            onset = start + timedelta(minutes=int(rng.integers(0, 43_000)))
            detections.append(
                (
                    len(detections) + 1,
                    f"d-{k}-{d}",
                    "regression" if d % 2 else "improvement",
                    service,
                    f"fn_{d % 60} (/srv/{service}/mod_{d % 7}.py)",
                    None,
                    None,
                    w.t(onset),
                    w.t(onset),
                    0.2,
                    0.05,
                    None,
                    1e-6,
                    "share",
                    "active",
                    None,
                    "{}",
                )
            )
        for h in range(20):
            spot = f"{k:03d}{h:013d}"
            spots.append(
                (
                    spot,
                    service,
                    None,
                    f"fn_{h} (/srv/{service}/mod_{h % 7}.py)",
                    "python",
                    w.t(start),
                    w.t(end),
                    0.05,
                    0.1,
                    0.1 * (20 - h) / 20,
                    None,
                    None,
                    w.j(["python-eager-logging"] if h < 3 else []),
                    "{}",
                    w.t(end),
                )
            )
            if h < 6:
                pid = len(proposals) + 1
                status = ("proposed", "merged", "rejected", "opened", "merged", "advice")[h]
                proposals.append(
                    (
                        pid,
                        spot,
                        "python-eager-logging",
                        "",
                        f"efficiency/p/{pid}",
                        status,
                        "",
                        "",
                        "",
                        0.02,
                        None,
                        0.01 if status == "merged" else None,
                        w.j({"estimated_cost": {"dollars_per_month": 0.58}}),
                        w.t(start + timedelta(days=h)),
                        w.t(end),
                        "",
                        None,
                    )
                )
                savings.append(
                    (
                        len(savings) + 1,
                        pid,
                        service,
                        f"team-{k % 5}",
                        "python-eager-logging",
                        "estimated",
                        w.t(start + timedelta(days=h)),
                        w.t(start + timedelta(days=h)),
                        0.02,
                        0.0,
                        0.18,
                        0.58,
                        "",
                    )
                )
                if status == "merged":
                    savings.append(
                        (
                            len(savings) + 1,
                            pid,
                            service,
                            "",
                            "python-eager-logging",
                            "realized",
                            w.t(start + timedelta(days=h + 5)),
                            w.t(end),
                            0.01,
                            0.0,
                            0.09,
                            0.29,
                            "",
                        )
                    )
    w.rows(
        "change_events",
        [
            "id",
            "service",
            "kind",
            "at",
            "version",
            "commit",
            "author",
            "description",
            "source",
            "labels",
            "received_at",
        ],
        changes,
    )
    w.rows(
        "detections",
        [
            "id",
            "key",
            "kind",
            "service",
            "function",
            "frame_id",
            "metric_series_id",
            "onset_at",
            "detected_at",
            "magnitude_rel",
            "magnitude_cores",
            "magnitude_gpu_hours",
            "p_value",
            "detector",
            "status",
            "suspected_change_id",
            "evidence",
        ],
        detections,
    )
    w.rows(
        "incident_detections",
        ["incident_id", "detection_id"],
        [(i, i) for i in range(1, min(2000, len(detections)) + 1) if i <= n_incidents],
    )
    w.rows(
        "hotspots",
        [
            "id",
            "service",
            "frame_id",
            "frame",
            "runtime",
            "period_start",
            "period_end",
            "share_self",
            "share_inclusive",
            "cost_cores",
            "cost_gpu_hours",
            "trend",
            "playbooks",
            "evidence",
            "updated_at",
        ],
        spots,
    )
    w.rows(
        "proposals",
        [
            "id",
            "hotspot_id",
            "playbook",
            "repo",
            "branch",
            "status",
            "diff",
            "pr_body",
            "pr_url",
            "estimated_savings_cores",
            "estimated_savings_gpu_hours",
            "realized_savings_cores",
            "verification",
            "created_at",
            "updated_at",
            "reviewed_by",
            "reviewed_at",
        ],
        proposals,
    )
    w.rows(
        "savings",
        [
            "id",
            "proposal_id",
            "service",
            "team",
            "playbook",
            "kind",
            "period_start",
            "period_end",
            "cores",
            "gpu_hours",
            "kwh",
            "dollars",
            "note",
        ],
        savings,
    )
