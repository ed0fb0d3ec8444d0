"""The dashboard benchmark's store: a month of a 50-service fleet at scale, written in bulk.

1,000,000 alert firings in 10,000 incidents (one a storm of 5,000 alerts, still open), their
pages and audit rows; a month of 10-minute profile windows for 50 services (20 stacks a
window out of 200 per service, interned as the ingest interns them); deploys, detections, hot
spots, proposals and the savings ledger; GPU utilization of 80 GPUs and each host's agent
health every 15 minutes (1.4 M points); and three real Kineto traces through the ingest.

Synthetic, for speed measurements only: the shapes (ids, JSON documents, timestamps, member
links) are the store's own; no quality number comes from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select, text

from benchmarks.dashboard_events import incidents
from benchmarks.dashboard_remediation import remediation
from efficiency.ingest.parsers.model import frame_id, make_frame, stack_id
from efficiency.ingest.traces import parse_trace, store_trace
from efficiency.store.bulk import insert_tuples
from efficiency.store.db import Database
from efficiency.store.profiles import pack_ids
from efficiency.store.schema import metadata

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "datasets" / "kineto-traces"
TRACES = (
    "h200_convnet_dataloader_num_workers_0",
    "h200_pattern_host_sync",
    "h200_pattern_launch_bound",
)
#: tables with an autoincrement id whose PostgreSQL sequence must follow the explicit ids
SEQUENCED = (
    "alerts",
    "incidents",
    "pages",
    "incident_actions",
    "profile_windows",
    "detections",
    "change_events",
    "proposals",
    "savings",
)


@dataclass(frozen=True)
class Scale:
    services: int = 50
    days: int = 30
    window_minutes: int = 10
    stacks_per_window: int = 20
    stack_pool: int = 200
    alerts: int = 1_000_000
    incidents: int = 10_000
    storm: int = 5_000
    gpu_hosts: int = 10
    gpus_per_host: int = 8


class Writer:
    """Bulk rows in table-column order, timestamps in each backend's stored form."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sqlite = db.dialect == "sqlite"

    def t(self, value: datetime | None) -> Any:
        if value is None:
            return None
        if self.sqlite:  # what UTCDateTime stores: naive UTC, fixed width
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def j(self, value: Any) -> str:
        return json.dumps(value)

    def rows(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        with self.db.session() as s:
            for i in range(0, len(rows), 50_000):
                insert_tuples(s, metadata.tables[table], columns, rows[i : i + 50_000], False)


def generate(db: Database, scale: Scale = Scale(), end: datetime | None = None) -> datetime:
    """Fill ``db`` (migrated, empty); returns the end of the month it covers."""
    end = end or datetime(2026, 11, 30, tzinfo=UTC)
    start = end - timedelta(days=scale.days)
    rng = np.random.default_rng(13)
    w = Writer(db)
    services = [f"svc-{i:02d}" for i in range(scale.services)]
    _profiles(w, rng, services, start, end, scale)
    incidents(w, rng, services, start, end, scale)
    remediation(w, rng, services, start, end, scale.incidents)
    _metrics(w, rng, services, start, end, scale)
    with db.session() as s:
        for name in TRACES:
            raw = (DATA / f"{name}.pt.trace.json.gz").read_bytes()
            store_trace(s, "trainer", "gpu-00", parse_trace(raw), name, fallback_end=end)
    if not w.sqlite:
        with db.engine.begin() as conn:
            for table in SEQUENCED:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                    )
                )
            conn.execute(text("ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return end


def _profiles(
    w: Writer,
    rng: np.random.Generator,
    services: list[str],
    start: datetime,
    end: datetime,
    scale: Scale,
) -> None:
    frames: dict[int, tuple[str, str, int, str]] = {}
    stacks: dict[int, tuple[int, int, bytes]] = {}
    pools: list[list[int]] = []
    for service in services:
        funcs = [make_frame(f"fn_{k}", f"/srv/{service}/mod_{k % 7}.py", 10 + k) for k in range(60)]
        ids = [frame_id(f) for f in funcs]
        for f, fid in zip(funcs, ids, strict=True):
            frames[fid] = (f.function, f.file, f.line, f.runtime)
        pool: dict[int, None] = {}  # distinct stacks: a window holds each stack once
        while len(pool) < scale.stack_pool:
            depth = int(rng.integers(3, 12))
            path = [ids[0]] + [ids[int(k)] for k in rng.integers(1, 60, depth - 1)]
            packed = pack_ids(path)
            sid = stack_id(packed)
            stacks[sid] = (path[-1], len(path), packed)
            pool[sid] = None
        pools.append(list(pool))
    w.rows(
        "frames",
        ["id", "function", "file", "line", "runtime"],
        [(fid, *f) for fid, f in frames.items()],
    )
    w.rows(
        "stacks",
        ["id", "leaf_frame_id", "depth", "frame_ids"],
        [(sid, *v) for sid, v in stacks.items()],
    )
    step = timedelta(minutes=scale.window_minutes)
    n_windows = int((end - start) / step)
    weights = 1 / np.arange(1, scale.stack_pool + 1) ** 1.1
    weights /= weights.sum()
    window_rows, sample_rows = [], []
    wid = 0
    for si, service in enumerate(services):
        cores = 0.5 + 4 * rng.random()
        for k in range(n_windows):
            wid += 1
            t0 = start + k * step
            day = np.sin(2 * np.pi * (t0.hour + t0.minute / 60 - 9) / 24)
            total = int(cores * (1 + 0.3 * day) * step.total_seconds() * 100)
            picked = rng.choice(scale.stack_pool, scale.stacks_per_window, replace=False, p=weights)
            share = weights[picked] / weights[picked].sum()
            counts = np.maximum(1, (share * total).astype(int))
            window_rows.append(
                (
                    wid,
                    service,
                    f"h-{service}",
                    "1",
                    "py-spy",
                    w.t(t0),
                    w.t(t0 + step),
                    100.0,
                    int(counts.sum()),
                    "{}",
                    w.t(t0),
                )
            )
            sample_rows += [
                (wid, pools[si][int(p)], int(c)) for p, c in zip(picked, counts, strict=True)
            ]
        if len(sample_rows) > 400_000:
            _flush_profiles(w, window_rows, sample_rows)
            window_rows, sample_rows = [], []
    _flush_profiles(w, window_rows, sample_rows)


def _flush_profiles(
    w: Writer, windows: list[tuple[Any, ...]], samples: list[tuple[Any, ...]]
) -> None:
    w.rows(
        "profile_windows",
        [
            "id",
            "service",
            "host",
            "process",
            "collector",
            "start_at",
            "end_at",
            "rate_hz",
            "total_samples",
            "labels",
            "received_at",
        ],
        windows,
    )
    w.rows("profile_samples", ["window_id", "stack_id", "count"], samples)


def _metrics(
    w: Writer,
    rng: np.random.Generator,
    services: list[str],
    start: datetime,
    end: datetime,
    scale: Scale,
) -> None:
    from efficiency.ingest.metrics import labels_key, series_id

    series, points = [], []
    names = [
        "efficiency_agent_spool_batches",
        "efficiency_agent_last_ship_success_timestamp_seconds",
        "efficiency_agent_collector_errors",
        "host_cpu_utilization",
    ]
    step = timedelta(minutes=15)
    n = int((end - start) / step)
    hosts = [f"h-{s}" for s in services] + [f"gpu-{g:02d}" for g in range(scale.gpu_hosts)]
    for host in hosts:
        for name in names:
            labels = {"host": host, **({"collector": "pyspy"} if "collector" in name else {})}
            sid = series_id(name, labels)
            series.append((sid, name, w.j(labels), labels_key(labels)))
            value = float(rng.integers(0, 3))
            points += [(sid, w.t(start + k * step), value) for k in range(n)]
    for g in range(scale.gpu_hosts):
        for gpu in range(scale.gpus_per_host):
            labels = {"host": f"gpu-{g:02d}", "gpu": str(gpu)}
            sid = series_id("gpu_utilization", labels)
            series.append((sid, "gpu_utilization", w.j(labels), labels_key(labels)))
            points += [
                (sid, w.t(start + k * step), float(0.4 + 0.4 * rng.random())) for k in range(n)
            ]
    w.rows("metric_series", ["id", "name", "labels", "labels_key"], series)
    for i in range(0, len(points), 500_000):
        w.rows("metric_points", ["series_id", "ts", "value"], points[i : i + 500_000])


def counts(db: Database) -> dict[str, int]:
    out = {}
    with db.session() as s:
        for table in (
            "alerts",
            "incident_alerts",
            "incidents",
            "profile_windows",
            "profile_samples",
            "metric_points",
            "pages",
        ):
            out[table] = int(
                s.scalar(select(func.count()).select_from(metadata.tables[table])) or 0
            )
    return out
