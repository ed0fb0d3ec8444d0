"""Load: concurrent webhook and profile clients against a running daemon, and the metric
detection pass at 10,000 and 100,000 series in one process and on a Dask cluster.

1. **Ingest under load.** ``efficiency daemon`` runs as a real process on 127.0.0.1: over
   SQLite (one API worker: SQLite takes one writer), over PostgreSQL with one worker and with
   ``--workers 2``. ``--clients`` threads post Alertmanager webhooks of ``--batch`` new
   alerts each, back to back, and ``--profile-clients`` threads post folded-stack profile
   windows, for ``--seconds``; then the stored alerts are counted. Reported: alerts stored per
   second (sustained over the run) and the client's request latency p50 / p99.
2. **Detection pass.** A store of N metric series (``--points`` points each, 5 minutes apart,
   a few planted spikes) is bulk-loaded into SQLite; the metric pass
   (:func:`efficiency.stages.detect.detect_metric_anomalies`) runs once in this process and
   once on a ``distributed.LocalCluster`` of two worker processes, the store reset between.
   The cluster's start-up is reported apart. The two passes must store the same detections.

Reads at 1,000,000 alerts are ``make bench-scale`` and ``make bench-dashboard``; not redone.

Run with ``make bench-load`` (a few minutes). PostgreSQL at ``EFFICIENCY_BENCH_PG_URL``
(default ``postgresql://postgres@127.0.0.1:5432/test``), in a schema of its own, dropped
after. It writes the "load" section of ``docs/benchmarks.md`` (``--no-docs`` leaves it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import delete, func, insert, select, text

from benchmarks.common import cpu_model, load_average, write_section
from efficiency.config import DetectConfig
from efficiency.ingest.metrics import labels_key, series_id
from efficiency.serving import free_port
from efficiency.stages.detect import detect_metric_anomalies
from efficiency.stages.partitions import DaskMapper
from efficiency.store.db import Database
from efficiency.store.events import Alert
from efficiency.store.incidents import Detection
from efficiency.store.metrics import MetricPoint, MetricSeries
from efficiency.store.remediation import Watermark

PG_URL = os.environ.get("EFFICIENCY_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
T0 = datetime(2026, 6, 1, tzinfo=UTC)
#: metric series per host: the host's isolation forest scores them jointly
PER_HOST = 20
FOLDED = "main;serve;handle;parse 40\nmain;serve;handle;render 25\nmain;gc 5\n"


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@contextmanager
def pg_schema() -> Iterator[str]:
    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = Database(PG_URL)
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def daemon(url: str, workers: int, workdir: Path) -> Iterator[str]:
    Database(url).upgrade()
    port = free_port()
    config = workdir / f"load-{port}.toml"
    config.write_text("[daemon]\ntick_seconds = 1.0\ndetect_seconds = 0\n")
    log = workdir / f"daemon-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "efficiency", "--config", str(config), "--db", url, "daemon",
             "--port", str(port), "--workers", str(workers)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daemon did not start: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        time.sleep(2 * workers)  # every worker up
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def alerts_body(client: int, n: int, batch: int) -> dict[str, Any]:
    alerts = []
    for i in range(batch):
        k = n * batch + i
        at = (T0 + timedelta(seconds=k)).isoformat().replace("+00:00", "Z")
        alerts.append({
            "status": "firing",
            "labels": {"alertname": f"Rule{k % 7}", "service": f"svc{(client * 13 + k) % 200}",
                       "instance": f"host{k % 10_000}", "severity": "warning"},
            "annotations": {"summary": "load"}, "startsAt": at,
            "endsAt": "0001-01-01T00:00:00Z", "fingerprint": f"{client:04x}{k:012x}",
        })  # fmt: skip
    return {"version": "4", "status": "firing", "receiver": "efficiency",
            "groupKey": f"load/{client}/{n}", "alerts": alerts}  # fmt: skip


def profile_body(client: int, n: int) -> dict[str, Any]:
    start = T0 + timedelta(seconds=10 * n)
    window = {"service": f"svc{client % 200}", "host": f"host{client}",
              "start": start.isoformat(), "end": (start + timedelta(seconds=10)).isoformat(),
              "format": "folded", "data": FOLDED, "rate_hz": 99}  # fmt: skip
    return {"windows": [window]}


def drive(base: str, clients: int, profile_clients: int, batch: int, seconds: float) -> dict:
    latencies: dict[str, list[float]] = {"alerts": [], "profiles": []}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(kind: str, client: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            n = 0
            while time.monotonic() < stop:
                if kind == "alerts":
                    path, body = "/api/v1/alerts/alertmanager", alerts_body(client, n, batch)
                else:
                    path, body = "/api/v1/profiles", profile_body(client, n)
                t = time.perf_counter()
                answer = http.post(path, json=body)
                took = time.perf_counter() - t
                with lock:
                    if answer.status_code == 200:
                        latencies[kind].append(took)
                    else:
                        errors.append(f"{answer.status_code} {answer.text[:200]}")
                n += 1

    threads = [threading.Thread(target=worker, args=("alerts", c)) for c in range(clients)]
    threads += [threading.Thread(target=worker, args=("profiles", 1000 + c))
                for c in range(profile_clients)]  # fmt: skip
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "errors": errors, "elapsed": time.monotonic() - began}


def ingest_runs(args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    runs = []
    setups: list[tuple[str, int]] = [("SQLite", 1), ("PostgreSQL", 1), ("PostgreSQL", 2)]
    for backend, workers in setups:
        with pg_schema() if backend == "PostgreSQL" else _sqlite(workdir) as url:
            with daemon(url, workers, workdir) as base:
                result = drive(base, args.clients, args.profile_clients, args.batch, args.seconds)
            db = Database(url)
            with db.session() as s:
                stored = int(s.scalar(select(func.count()).select_from(Alert)) or 0)
            db.dispose()
        lat = result["latencies"]
        runs.append({
            "backend": backend, "workers": workers, "stored": stored,
            "sent": len(lat["alerts"]) * args.batch, "rate": stored / result["elapsed"],
            "alerts_p50": _quantile(lat["alerts"], 0.5),
            "alerts_p99": _quantile(lat["alerts"], 0.99),
            "profiles": len(lat["profiles"]) / result["elapsed"],
            "profiles_p50": _quantile(lat["profiles"], 0.5),
            "profiles_p99": _quantile(lat["profiles"], 0.99),
            "errors": len(result["errors"]), "first_error": (result["errors"] or [""])[0],
        })  # fmt: skip
        print(runs[-1], flush=True)
    return runs


@contextmanager
def _sqlite(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / f'load-{uuid.uuid4().hex[:6]}.db'}"


def build_series(db: Database, count: int, points: int) -> None:
    rng = np.random.default_rng(11)
    chunk = 2_000
    for first in range(0, count, chunk):
        series_rows, point_rows = [], []
        for n in range(first, min(count, first + chunk)):
            labels = {"host": f"host{n // PER_HOST:05d}", "service": f"svc{n // PER_HOST % 200}"}
            name = f"metric_{n % PER_HOST:02d}"
            sid = series_id(name, labels)
            series_rows.append({"id": sid, "name": name, "labels": labels,
                                "labels_key": labels_key(labels)})  # fmt: skip
            values = 0.5 + rng.normal(0, 0.02, points)
            if n % 50 == 0:
                values[points - 3 :] = 0.99  # a spike in the last points
            for i in range(points):
                point_rows.append({"series_id": sid, "ts": T0 + timedelta(minutes=5 * i),
                                   "value": float(values[i])})  # fmt: skip
        with db.session() as s:
            s.execute(insert(MetricSeries), series_rows)
            s.execute(insert(MetricPoint), point_rows)


def detect_runs(args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    from distributed import LocalCluster

    out = []
    for count in args.series:
        db = Database(f"sqlite:///{workdir / f'series-{count}.db'}")
        db.upgrade()
        t = time.perf_counter()
        build_series(db, count, args.points)
        built = time.perf_counter() - t
        timings: dict[str, float] = {}
        stored: dict[str, list[str]] = {}
        for how in ("one process", "Dask, 2 workers"):
            with db.session() as s:
                s.execute(delete(Detection))
                s.execute(delete(Watermark))
            cluster_s = 0.0
            if how == "one process":
                t = time.perf_counter()
                with db.session() as s:
                    report = detect_metric_anomalies(s, DetectConfig())
                timings[how] = time.perf_counter() - t
            else:
                t = time.perf_counter()
                cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)  # fmt: skip
                mapper = DaskMapper(str(cluster.scheduler_address))
                cluster_s = time.perf_counter() - t
                try:
                    t = time.perf_counter()
                    with db.session() as s:
                        report = detect_metric_anomalies(s, DetectConfig(), mapper)
                    timings[how] = time.perf_counter() - t
                finally:
                    mapper.close()
                    cluster.close()
                timings["cluster start"] = cluster_s
            with db.session() as s:
                stored[how] = sorted(s.scalars(select(Detection.key)).all())
            print(count, how, f"{timings[how]:.1f} s", report.series, len(report.new), flush=True)
        out.append({"series": count, "points": count * args.points, "built": built,
                    "timings": timings, "same": stored["one process"] == stored["Dask, 2 workers"],
                    "detections": len(stored["one process"])})  # fmt: skip
        db.dispose()
    return out


def render(ingest: list[dict[str, Any]], detect: list[dict[str, Any]], args: argparse.Namespace,
           load: tuple[str, str]) -> str:  # fmt: skip
    lines = [
        "## Load: concurrent ingest and the detection pass at scale (`make bench-load`)",
        "",
        f"{cpu_model()}, 2 cores shared with other jobs; load average (1 min) at start / end: "
        f"{load[0]} / {load[1]}. Synthetic traffic, a speed measurement only.",
        "",
    ]
    if ingest:
        lines += [
            f"`efficiency daemon` as a real process; {args.clients} webhook clients posting "
            f"{args.batch} new alerts per request back to back and {args.profile_clients} "
            f"profile clients posting one folded window each, for {args.seconds:.0f} s. "
            "Stored = alerts counted in the store afterwards; latency = the client's.",
            "",
            "| store | API workers | alerts stored/s | webhook p50 ms | webhook p99 ms "
            "| profiles/s | profile p50 ms | profile p99 ms | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in ingest:
            lines.append(
                f"| {r['backend']} | {r['workers']} | {r['rate']:,.0f} | "
                f"{1000 * r['alerts_p50']:.0f} | {1000 * r['alerts_p99']:.0f} | "
                f"{r['profiles']:.1f} | {1000 * r['profiles_p50']:.0f} | "
                f"{1000 * r['profiles_p99']:.0f} | {r['errors']} |"
            )
        best = max(ingest, key=lambda r: r["rate"])
        met = best["rate"] >= 2000 and best["alerts_p99"] < 1
        lines += ["", f"- Target ≥ 2,000 alerts/s sustained with p99 < 1 s: "
                  f"**{'met' if met else 'missed'}** (best: {best['rate']:,.0f}/s, p99 "
                  f"{1000 * best['alerts_p99']:.0f} ms, {best['backend']} x{best['workers']}).",
                  ""]  # fmt: skip
    if detect:
        lines += [
            f"Metric detection pass (`detect_metric_anomalies`, defaults) over N series of "
            f"{args.points} points each ({PER_HOST} per host, so N/{PER_HOST} host forests) "
            "in SQLite; one run each (the machine is shared).",
            "",
            "| series | points | one process s | Dask 2 workers s | cluster start s "
            "| same detections |",
            "| ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for r in detect:
            t = r["timings"]
            lines.append(
                f"| {r['series']:,} | {r['points']:,} | {t['one process']:.1f} | "
                f"{t['Dask, 2 workers']:.1f} | {t['cluster start']:.1f} | "
                f"{'yes' if r['same'] else 'NO'} ({r['detections']}) |"
            )
        big = max(detect, key=lambda r: r["series"])
        faster = big["timings"]["Dask, 2 workers"] < big["timings"]["one process"]
        verdict = "yes" if faster else "no"
        lines += ["", f"- Dask faster than one process at {big['series']:,} series: "
                  f"**{verdict}** (the issue's target is at 100,000)."]  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--profile-clients", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--series", type=lambda v: [int(x) for x in v.split(",")],
                        default=[10_000, 100_000])  # fmt: skip
    parser.add_argument("--points", type=int, default=36)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-detect", action="store_true")
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    start_load = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        ingest = [] if args.skip_ingest else ingest_runs(args, Path(tmp))
        detect = [] if args.skip_detect else detect_runs(args, Path(tmp))
    section = render(ingest, detect, args, (start_load, load_average()))
    print(section)
    if not args.no_docs:
        write_section("load", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
