"""The detection stage over a real store (SQLite and PostgreSQL): detections with their
suspected deploy, stored once however often the pass runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import select

from efficiency.config import DetectConfig
from efficiency.ingest.changes import ChangeIn, store_changes
from efficiency.ingest.metrics import PointIn, store_metrics
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.profiles import WindowMeta, store_profiles
from efficiency.stages.detect import detect_functions, detect_metric_anomalies
from efficiency.store.db import Database
from efficiency.store.incidents import Detection
from efficiency.store.remediation import Watermark

T0 = datetime(2026, 11, 22, tzinfo=UTC)
ONSET = 12


def folded(parse: int) -> str:
    return (
        f"main (app.py:1);handler (app.py:5);parse (app.py:9) {parse}\n"
        f"main (app.py:1);handler (app.py:5);render (app.py:20) 900\n"
        "main (app.py:1);log (app.py:30) 1500\n"
    )


def fill(db: Database, buckets: int) -> None:
    """One 60 s window per 10-minute bucket at 1 Hz (a 45-core service, profiled one minute
    in ten); from bucket ONSET on, parse costs 480 samples instead of 300 while the rest
    costs what it did, so every other share is diluted."""
    with db.session() as s:
        for b in range(buckets):
            start = T0 + timedelta(minutes=10 * b)
            meta = WindowMeta(service="api", host="h1", start=start,
                              end=start + timedelta(seconds=60), rate_hz=1.0)  # fmt: skip
            store_profiles(s, [(meta, parse_folded(folded(300 if b < ONSET else 480)))])
        deploy = T0 + timedelta(minutes=10 * ONSET + 2)
        store_changes(
            s,
            [
                ChangeIn(service="api", at=deploy, version="2.0", commit="abc123"),
                ChangeIn(service="api", at=T0 + timedelta(minutes=30), version="1.9"),
                ChangeIn(service="web", at=deploy, version="7"),
            ],
        )


def test_detect_stores_one_detection_with_its_deploy(db: Database) -> None:
    fill(db, 24)
    with db.session() as s:
        report = detect_functions(s, DetectConfig())
    assert len(report.new) == 1 and report.buckets == 23 and report.series == 5
    assert report.dropped.get("dilution", 0) >= 1
    with db.session() as s:
        (d,) = s.scalars(select(Detection)).all()
        assert (d.kind, d.service, d.function) == ("regression", "api", "parse (app.py)")
        assert d.onset_at == T0 + timedelta(minutes=10 * ONSET)
        before, after = 300 / 2700, 480 / 2880
        assert abs(d.magnitude_rel - (after / before - 1)) < 1e-9 and d.p_value < 1e-6
        # the change of share at the new load: 2880 samples at 1 Hz in the 60 s profiled of
        # the bucket, 48 cores (not 4.8: the minute profiled stands for the whole bucket)
        assert abs(d.magnitude_cores - (after - before) * 2880 / 60) < 1e-9
        assert d.evidence["metric"] == "self"
        suspects = d.evidence["suspected_changes"]
        assert suspects[0]["lead_seconds"] == -120 and suspects[0]["score"] == 1.0
        assert d.suspected_change_id == suspects[0]["id"]
        assert s.get(Watermark, "detect.functions").value == T0 + timedelta(minutes=230)

    with db.session() as s:
        again = detect_functions(s, DetectConfig())
    assert again.new == [] and again.already_known == 1


def test_more_data_does_not_duplicate_a_known_change(db: Database) -> None:
    fill(db, 20)
    with db.session() as s:
        assert len(detect_functions(s, DetectConfig()).new) == 1
    with db.session() as s:
        for b in range(20, 30):
            start = T0 + timedelta(minutes=10 * b)
            meta = WindowMeta(service="api", host="h1", start=start,
                              end=start + timedelta(seconds=60), rate_hz=1.0)  # fmt: skip
            store_profiles(s, [(meta, parse_folded(folded(480)))])
    with db.session() as s:
        later = detect_functions(s, DetectConfig())
    assert later.new == [] and later.already_known == 1


def test_no_profiles_no_pass(db: Database) -> None:
    with db.session() as s:
        report = detect_functions(s, DetectConfig())
    assert report.end is None and report.new == []


def metric_points(spike_at: int, hosts: int = 1) -> list[PointIn]:
    """Two days of a host's CPU and memory every 5 minutes, with a daily shape; CPU jumps at
    ``spike_at`` for three points."""
    rng = np.random.default_rng(4)
    points = []
    for h in range(hosts):
        for i in range(576):
            at = T0 + timedelta(minutes=5 * i)
            daily = np.sin(2 * np.pi * i / 288)
            cpu = 0.4 + 0.1 * daily + rng.normal(0, 0.01)
            if spike_at <= i < spike_at + 3:
                cpu = 0.97
            mem = 6e9 + 5e8 * daily + rng.normal(0, 2e7)
            labels = {"host": f"h{h}", "service": "api"}
            points.append(PointIn(name="host_cpu_utilization", labels=labels, timestamp=at,
                                  value=cpu))  # fmt: skip
            points.append(PointIn(name="host_memory_used_bytes", labels=labels, timestamp=at,
                                  value=mem))  # fmt: skip
    return points


def test_metric_anomalies_are_stored_once_with_the_host_signal(db: Database) -> None:
    with db.session() as s:
        store_metrics(s, metric_points(spike_at=500))
    with db.session() as s:
        report = detect_metric_anomalies(s, DetectConfig())
    assert report.series == 2 and len(report.new) == 1
    with db.session() as s:
        (d,) = s.scalars(select(Detection)).all()
        assert (d.kind, d.service, d.detector) == ("anomaly", "api", "metric-anomaly")
        assert d.function == "host_cpu_utilization{host=h0,service=api}"
        assert d.onset_at == T0 + timedelta(minutes=5 * 500)
        assert d.evidence["value"] == 0.97 and d.evidence["score"] >= 0.8
        assert d.evidence["host_score"] > 0.5  # the joint vector is unusual too
    with db.session() as s:
        again = detect_metric_anomalies(s, DetectConfig())
    assert again.new == []


def test_daily_swing_alone_is_not_an_anomaly(db: Database) -> None:
    with db.session() as s:
        store_metrics(s, metric_points(spike_at=10_000))
    with db.session() as s:
        assert detect_metric_anomalies(s, DetectConfig()).new == []


def test_process_cpu_metrics_size_a_regression_in_cores(db: Database) -> None:
    fill(db, 24)
    with db.session() as s:
        # the agent's process metrics: api runs on 4 cores after the onset
        points = [
            PointIn(name="process_cpu_cores", labels={"service": "api", "host": "h1",
                    "pid": "7"}, timestamp=T0 + timedelta(minutes=10 * b + 1), value=4.0)
            for b in range(24)
        ]  # fmt: skip
        store_metrics(s, points)
    with db.session() as s:
        assert len(detect_functions(s, DetectConfig()).new) == 1
        (d,) = s.scalars(select(Detection)).all()
        before, after = 300 / 2700, 480 / 2880
        assert abs(d.magnitude_cores - (after - before) * 4.0) < 1e-9
        assert d.evidence["cores_from"] == "process metrics"


def kineto_trace(at: datetime, gemm_us: float, rng: np.random.Generator) -> bytes:
    """A training step's kernels: 200 launches alternating gemm / relu / a host-to-device
    copy, with noisy durations; placed at ``at`` by baseTimeNanoseconds."""
    events, ts = [], 0.0
    for i in range(200):
        name, cat, dur = [
            ("ampere_sgemm_128x64_nn", "kernel", gemm_us),
            ("relu_kernel", "kernel", 40.0),
            ("Memcpy HtoD (Pinned -> Device)", "gpu_memcpy", 25.0),
        ][i % 3]
        dur = max(1.0, dur * rng.normal(1, 0.05))
        args = {"correlation": i + 1, "stream": 7, "device": 0}
        events.append(
            {
                "ph": "X",
                "name": "cudaLaunchKernel",
                "cat": "cuda_runtime",
                "ts": ts,
                "dur": 4,
                "pid": 1,
                "tid": 1,
                "args": {"correlation": i + 1},
            }
        )
        events.append({"ph": "X", "name": name, "cat": cat, "ts": ts + 5, "dur": dur, "pid": 0,
                       "tid": 7, "args": args})  # fmt: skip
        ts += dur + 8
    base = int(at.timestamp() * 1e9)
    return json.dumps({"traceEvents": events, "baseTimeNanoseconds": base}).encode()


def test_a_slower_gpu_kernel_is_found_in_the_trace_shares(db: Database) -> None:
    from efficiency.ingest.traces import parse_trace, store_trace
    from efficiency.stages.detect import detect_kernels

    rng = np.random.default_rng(8)
    with db.session() as s:
        for b in range(24):
            at = T0 + timedelta(minutes=10 * b + 3)
            data = kineto_trace(at, 120.0 if b < ONSET else 160.0, rng)
            store_trace(s, "trainer", "gpu-1", parse_trace(data))
    with db.session() as s:
        report = detect_kernels(s, DetectConfig())
    assert report.series == 3 and len(report.new) == 1
    with db.session() as s:
        (d,) = s.scalars(select(Detection)).all()
        assert (d.kind, d.service, d.detector) == ("regression", "trainer", "kernel-share")
        assert d.function == "gpu:ampere_sgemm_128x64_nn"
        assert d.onset_at == T0 + timedelta(minutes=10 * ONSET)
        assert d.magnitude_cores is None
    with db.session() as s:
        assert detect_kernels(s, DetectConfig()).new == []


def test_a_later_pass_moves_a_known_onset_to_its_own_and_ranks_deploys_again(
    db: Database,
) -> None:
    """An earlier pass, on less data, stored the change a bucket late with no deploy to
    blame; the pass on all 24 buckets refines it to the window where parse moved, keeps the
    first onset in the evidence and blames the deploy two minutes after it."""
    fill(db, 24)
    late = T0 + timedelta(minutes=10 * ONSET + 10)
    with db.session() as s:
        s.add(Detection(key="fn-earlier", kind="regression", service="api",
                        function="parse (app.py)", onset_at=late, detected_at=late,
                        detector="share-regression", evidence={"metric": "self"}))  # fmt: skip
    with db.session() as s:
        report = detect_functions(s, DetectConfig())
    assert report.new == [] and report.already_known == 1 and report.revised == 1
    with db.session() as s:
        (d,) = s.scalars(select(Detection)).all()
        assert d.key == "fn-earlier" and d.onset_at == T0 + timedelta(minutes=10 * ONSET)
        assert d.evidence["onset_first_reported_at"] == late.isoformat()
        assert d.evidence["suspected_changes"][0]["lead_seconds"] == -120
        assert d.suspected_change_id == d.evidence["suspected_changes"][0]["id"]
    with db.session() as s:
        again = detect_functions(s, DetectConfig())
    assert again.already_known == 1 and again.revised == 0
