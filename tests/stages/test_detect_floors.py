"""What the detection pass reports is both significant and large enough to matter in cost
(issue 12): profiles ingested into a real SQLite store with the public ingest functions, one
pass of ``detect_functions`` at its defaults, the stored detections read back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import select

from efficiency.config import DetectConfig
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.profiles import WindowMeta, store_profiles
from efficiency.stages.detect import DetectReport, detect_functions
from efficiency.store.db import Database
from efficiency.store.incidents import Detection

T0 = datetime(2026, 11, 2, tzinfo=UTC)
#: leaf stacks and their share of the service's CPU; ``hot`` holds 2%
LEAVES = {
    "main;api;hot": 0.02,
    "main;api;parse": 0.18,
    "main;api;render": 0.30,
    "main;db;query": 0.25,
    "main;db;encode": 0.15,
    "main;log": 0.10,
}
Costs = Callable[[int], dict[str, float]]


def unchanged(_: int) -> dict[str, float]:
    return dict(LEAVES)


def folded(counts: dict[str, int]) -> str:
    return "".join(
        ";".join(f"{name} (app.py:{i + 1})" for i, name in enumerate(stack.split(";"))) + f" {c}\n"
        for stack, c in counts.items()
        if c
    )


def fill(
    db: Database,
    costs: Costs,
    buckets: int,
    hosts: int = 10,
    cores: float = 100.0,
    rate_hz: float = 100.0,
    window_s: float = 60.0,
    jitter: float = 0.03,
    seed: int = 0,
) -> None:
    """One window per host per 10-minute bucket of a service of ``hosts x cores`` cores.
    Each leaf's cost is ``costs(bucket)`` times a per-host, per-window log-normal jitter
    (host-to-host over-dispersion); the host's samples grow with its total cost."""
    rng = np.random.default_rng(seed)
    base = sum(LEAVES.values())
    with db.session() as s:
        for b in range(buckets):
            cost = costs(b)
            stacks, c = list(cost), np.array(list(cost.values()))
            for h in range(hosts):
                noisy = c * np.exp(rng.normal(0.0, jitter, len(c))) if jitter else c
                total = int(cores * rate_hz * window_s * c.sum() / base)
                counts = rng.multinomial(total, noisy / noisy.sum())
                start = T0 + timedelta(minutes=10 * b, seconds=h)
                end = start + timedelta(seconds=window_s)
                meta = WindowMeta(service="shop", host=f"h{h}", start=start, end=end,
                                  rate_hz=rate_hz)  # fmt: skip
                text = folded(dict(zip(stacks, counts.tolist(), strict=True)))
                store_profiles(s, [(meta, parse_folded(text))])


def detect(db: Database, **overrides: float) -> tuple[DetectReport, list[Detection]]:
    with db.session() as s:
        report = detect_functions(s, DetectConfig(**overrides))
    with db.session() as s:
        found = list(s.scalars(select(Detection)).all())
        s.expunge_all()
    return report, found


def test_five_percent_of_a_two_percent_function_in_a_1000_core_service_is_reported(
    sqlite_db: Database,
) -> None:
    """+5% of a 2% function of 10 hosts x 100 cores: one core, under any 5% relative floor
    once estimated, reported by its cost."""

    def costs(b: int) -> dict[str, float]:
        return {**LEAVES, "main;api;hot": 0.02 * (1.05 if b >= 36 else 1.0)}

    fill(sqlite_db, costs, buckets=48)
    report, found = detect(sqlite_db)
    assert [(d.kind, d.function) for d in found] == [("regression", "hot (app.py)")], report
    (d,) = found
    assert abs(d.onset_at - (T0 + timedelta(minutes=360))) <= timedelta(minutes=10)
    assert 0.03 < d.magnitude_rel < 0.07 and d.p_value < 1e-4
    assert 0.6 < d.magnitude_cores < 1.4  # 1,000 cores x 2% x 5%
    assert d.evidence["cores_from"] == "profile samples"


def test_a_certain_one_percent_wobble_of_a_hundredth_of_a_core_is_not(
    sqlite_db: Database,
) -> None:
    """A one-process service of a tenth of a core profiled continuously at 10 kHz: its 10%
    function (0.01 cores) grows 1%, certain from the samples, a ten-thousandth of a core."""

    def costs(b: int) -> dict[str, float]:
        return {**LEAVES, "main;api;render": 0.10 * (1.01 if b >= 36 else 1.0)}

    fill(sqlite_db, costs, buckets=48, hosts=1, cores=0.1, rate_hz=10_000, window_s=600,
         jitter=0.0, seed=3)  # fmt: skip
    report, found = detect(sqlite_db)
    assert found == []
    assert report.dropped.get("below-cost-floor", 0) >= 1  # significant, but too cheap
    _, without_floor = detect(sqlite_db, min_cores=0.0)
    assert [(d.function, d.kind) for d in without_floor] == [("render (app.py)", "regression")]
    assert abs(without_floor[0].magnitude_cores) < 0.001


def test_a_cost_shift_between_siblings_raises_no_alarm(sqlite_db: Database) -> None:
    def costs(b: int) -> dict[str, float]:
        if b < 36:
            return dict(LEAVES)
        moved = 0.4 * LEAVES["main;api;parse"]
        return {**LEAVES, "main;api;parse": LEAVES["main;api;parse"] - moved,
                "main;api;render": LEAVES["main;api;render"] + moved}  # fmt: skip

    fill(sqlite_db, costs, buckets=48, seed=5)
    report, found = detect(sqlite_db)
    assert found == [] and report.dropped.get("cost-shift", 0) >= 2


def test_a_transient_spike_raises_no_alarm(sqlite_db: Database) -> None:
    def costs(b: int) -> dict[str, float]:
        return {**LEAVES, "main;db;encode": 0.15 * (1.3 if b in (30, 31) else 1.0)}

    fill(sqlite_db, costs, buckets=48, seed=6)
    _, found = detect(sqlite_db)
    assert found == []


def test_a_daily_shape_raises_no_alarm(sqlite_db: Database) -> None:
    """Three days of 10-minute buckets, every leaf following its own daily shape (+-20%)."""

    def costs(b: int) -> dict[str, float]:
        return {
            stack: share * (1 + 0.2 * np.sin(2 * np.pi * b / 144 + i))
            for i, (stack, share) in enumerate(LEAVES.items())
        }

    fill(sqlite_db, costs, buckets=432, hosts=2, cores=500.0, seed=7)
    _, found = detect(sqlite_db)
    assert found == []


def test_gpu_kernel_changes_are_sized_in_gpu_hours_and_floored(sqlite_db: Database) -> None:
    """One traced GPU, about 90% busy; the gemm's share of GPU time grows from 0.65 to 0.71
    at the onset: about 0.06 x 0.9 GPUs x 24 h = 1.3 GPU-hours a day."""
    from efficiency.ingest.traces import parse_trace, store_trace
    from efficiency.stages.detect import detect_kernels
    from tests.stages.test_detect import kineto_trace

    rng = np.random.default_rng(8)
    with sqlite_db.session() as s:
        for b in range(24):
            at = T0 + timedelta(minutes=10 * b + 3)
            data = kineto_trace(at, 120.0 if b < 12 else 160.0, rng)
            store_trace(s, "trainer", "gpu-1", parse_trace(data))
    with sqlite_db.session() as s:
        cheap = detect_kernels(s, DetectConfig(min_gpu_hours=5.0))
    assert cheap.new == [] and cheap.dropped.get("below-cost-floor", 0) >= 1
    with sqlite_db.session() as s:
        report = detect_kernels(s, DetectConfig())
    assert len(report.new) == 1
    with sqlite_db.session() as s:
        (d,) = s.scalars(select(Detection)).all()
        assert d.function == "gpu:ampere_sgemm_128x64_nn" and d.magnitude_cores is None
        assert 0.9 < d.magnitude_gpu_hours < 1.8
        assert d.evidence["gpu_hours_from"] == "trace GPU time over trace length"
