"""The dashboard benchmark's remediation records: a month of deploys, detections, hot spots,
proposals and savings for the fleet. Synthetic, for speed measurements only (see
:mod:`benchmarks.dashboard_data`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from benchmarks.dashboard_data import Writer


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
