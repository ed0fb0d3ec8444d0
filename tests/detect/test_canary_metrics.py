"""The canary's metric and kernel checks as pure functions: points in, checks out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from efficiency.config import CanaryConfig
from efficiency.detect.canary import CanaryVerdict
from efficiency.detect.canary_kernels import check_kernels, host_side
from efficiency.detect.canary_metrics import check_series, side_of
from efficiency.detect.canary_stats import MetricRules
from efficiency.detect.canary_verdict import fold

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LES = ("0.05", "0.1", "0.2", "0.4", "0.8", "+Inf")


def _frame(rows: list[tuple[str, dict[str, str], int, float, str]]) -> pd.DataFrame:
    """(name, labels, step, value, side) rows → the long table, one series per name+labels."""
    ids: dict[tuple[str, str], int] = {}
    out = []
    for name, labels, step, value, side in rows:
        sid = ids.setdefault((name, repr(sorted(labels.items()))), len(ids) + 1)
        out.append((sid, name, labels, T0 + timedelta(seconds=15 * step), value, side))
    frame = pd.DataFrame(out, columns=["series_id", "name", "labels", "ts", "value", "side"])
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame


def _histogram(side: str, hosts: int, scale: float, seed: int, steps: int = 12) -> list[Any]:
    """A latency histogram per host: 200 requests a step, log-normal around ``scale`` s."""
    rng = np.random.default_rng(seed)
    rows: list[Any] = []
    for h in range(hosts):
        labels = {"host": f"{side}-{h}"}
        cum = dict.fromkeys(LES, 0.0)
        total = 0.0
        for step in range(steps):
            lat = scale * rng.lognormal(0, 0.4, size=200)
            total += float(lat.sum())
            for le in LES:
                cum[le] += float((lat <= float(le)).sum())
                rows.append(("rpc_duration_seconds_bucket", {**labels, "le": le}, step,
                             cum[le], side))  # fmt: skip
            rows.append(("rpc_duration_seconds_sum", labels, step, total, side))
            rows.append(("rpc_duration_seconds_count", labels, step, cum["+Inf"], side))
    return rows


def test_histogram_mean_and_quantile_fail_when_slower() -> None:
    frame = _frame(_histogram("canary", 4, 0.13, 1) + _histogram("control", 4, 0.10, 2))
    checks = {c.metric: c for c in check_series(frame, MetricRules())}
    assert set(checks) == {"rpc_duration_seconds (mean)", "rpc_duration_seconds (p99)"}
    mean = checks["rpc_duration_seconds (mean)"]
    assert mean.status == "fail" and 0.2 < (mean.effect or 0) < 0.4
    assert mean.points == {"canary": 44, "control": 44}  # 11 increases x 4 hosts
    assert checks["rpc_duration_seconds (p99)"].status == "fail"
    # the control's p99: log-normal(sigma 0.4) p99 is 2.5x the median, inside (0.2, 0.4]
    assert 0.2 < (checks["rpc_duration_seconds (p99)"].control_median or 0) <= 0.4


def test_histogram_identical_sides_pass() -> None:
    frame = _frame(_histogram("canary", 4, 0.10, 3) + _histogram("control", 4, 0.10, 4))
    assert {c.status for c in check_series(frame, MetricRules())} == {"ok"}


def test_counter_restart_is_not_a_regression() -> None:
    """A canary host restarts mid-window: its counter drops to 0 and climbs again."""
    rows = []
    for side in ("canary", "control"):
        for h in range(3):
            value = 0.0
            for step in range(12):
                value = 40.0 if side == "canary" and h == 0 and step == 6 else value + 50.0
                rows.append(("app_errors_total", {"host": f"{side}{h}"}, step, value, side))
    (check,) = check_series(_frame(rows), MetricRules())
    assert check.metric == "app_errors_total" and check.unit == "per second"
    assert check.status == "ok" and check.points == {"canary": 33, "control": 33}


def test_error_rate_gauge_and_too_few_points() -> None:
    rng = np.random.default_rng(5)
    rows = [("job_error_rate", {"host": f"{s}"}, i, float(rng.normal(m, 0.001)), s)
            for s, m in (("canary", 0.02), ("control", 0.01)) for i in range(10)]  # fmt: skip
    (check,) = check_series(_frame(rows), MetricRules())
    assert check.status == "fail" and check.kind == "error" and check.unit == "value"
    (short,) = check_series(_frame(rows[:4] + rows[10:14]), MetricRules())
    assert short.status == "insufficient" and short.p_value is None
    assert short.points == {"canary": 4, "control": 4}


def test_no_false_fail_across_50_identical_pairs() -> None:
    """Latency, error ratio and CPU per request of identical sides: Holm at 1% over the
    three checks keeps false fails to about 1 in 100 canaries."""
    fails = 0
    for seed in range(50):
        rng = np.random.default_rng(1000 + seed)
        rows = []
        for side in ("canary", "control"):
            for h in range(3):
                ok = err = cpu = 0.0
                labels = {"host": f"{side}{h}"}
                for step in range(20):
                    n = rng.poisson(200)
                    bad = rng.binomial(n, 0.01)
                    ok, err = ok + n - bad, err + bad
                    cpu += n * 0.01 * rng.lognormal(0, 0.1)
                    rows += [
                        ("api_requests_total", {**labels, "code": "200"}, step, ok, side),
                        ("api_requests_total", {**labels, "code": "503"}, step, err, side),
                        ("process_cpu_seconds_total", labels, step, cpu, side),
                        ("api_latency_seconds", labels, step, rng.lognormal(-2, 0.3), side),
                    ]
        checks = check_series(_frame(rows), MetricRules())
        assert len(checks) == 3
        fails += any(c.status == "fail" for c in checks)
    assert fails <= 1


def test_series_sides_follow_the_selectors() -> None:
    canary, control = {"version": ["v2"]}, {"version": ["v1"]}
    assert side_of({"service": "shop", "version": "v2"}, "shop", canary, control) == "canary"
    assert side_of({"job": "shop", "version": "v1"}, "shop", canary, control) == "control"
    assert side_of({"service": "other", "version": "v2"}, "shop", canary, control) is None
    assert side_of({"service": "shop"}, "shop", canary, control) == "other"
    assert side_of({"version": "v3"}, "shop", canary, control) is None
    hosts = {"host": ["a", "b"]}
    assert side_of({"instance": "a:9100"}, "shop", hosts, {"host": ["c"]}) == "canary"
    seen = {"canary": {"a"}, "control": {"c", "a"}}
    assert host_side("c", canary, control, seen) == "control"
    assert host_side("a", canary, control, seen) is None  # on both sides: neither


def test_kernels_need_a_share_and_both_sides() -> None:
    rows = []
    for side, gemm in (("canary", 130.0), ("control", 100.0)):
        for t in range(6):
            trace = f"{side}{t}"
            rows += [(side, trace, "gemm", "compute", 10, 10 * gemm * (1 + t / 100), 20000.0),
                     (side, trace, "tiny", "compute", 10, 10.0, 20000.0)]  # fmt: skip
        rows.append((side, f"{side}0", f"only_{side}", "compute", 5, 5000.0, 20000.0))
    columns = ["side", "trace_id", "name", "kind", "count", "total_us", "gpu_time_us"]
    (check,) = check_kernels(pd.DataFrame(rows, columns=columns), MetricRules())
    assert check.metric == "gemm" and check.status == "fail" and check.points["canary"] == 6


def test_fold_metric_failure_fails_and_metrics_alone_can_pass() -> None:
    rng = np.random.default_rng(7)
    rows = [("x_latency_seconds", {"host": s}, i, float(rng.normal(m, 0.01)), s)
            for s, m in (("canary", 0.5), ("control", 0.2)) for i in range(8)]  # fmt: skip
    checks = check_series(_frame(rows), MetricRules())
    counts = {"canary": 0, "control": 0}
    folded = fold(CanaryVerdict("insufficient", 0.0, "not enough data", counts, counts), checks)
    assert folded.verdict == "fail" and "x_latency_seconds" in folded.reason
    assert folded.to_json()["failures"][0]["metric"] == "x_latency_seconds"
    alike = [("x_latency_seconds", {"host": s}, i, float(rng.normal(0.2, 0.01)), s)
             for s in ("canary", "control") for i in range(8)]  # fmt: skip
    passed = fold(CanaryVerdict("insufficient", 0.0, "x", counts, counts),
                  check_series(_frame(alike), MetricRules()))  # fmt: skip
    assert passed.verdict == "pass" and passed.score == 100.0


def test_config_defaults_are_the_rules_defaults() -> None:
    cfg, rules = CanaryConfig(), MetricRules()
    for key in ("error_metrics", "latency_metrics", "request_metrics", "cpu_metrics"):
        assert tuple(getattr(cfg, key)) == tuple(getattr(rules, key))
    assert cfg.metric_alpha == rules.alpha and cfg.metric_min_points == rules.min_points
    with pytest.raises(ValueError, match="min_points"):
        MetricRules(min_points=2)


def test_one_canary_host_within_the_hosts_spread_is_not_a_regression() -> None:
    """Hosts differ by ±10%; the one canary host sits high in that spread. Its cells alone
    look slower (Mann-Whitney over cells is tiny), but not more than hosts differ: ok."""
    rng = np.random.default_rng(11)
    levels = {"control": [0.17, 0.19, 0.20, 0.21, 0.22, 0.23, 0.18, 0.20], "canary": [0.225]}
    rows = [("db_latency_seconds", {"host": f"{side}{h}"}, i,
             float(level * rng.lognormal(0, 0.01)), side)
            for side, hosts in levels.items() for h, level in enumerate(hosts)
            for i in range(20)]  # fmt: skip
    (check,) = check_series(_frame(rows), MetricRules())
    assert check.detail["p_cells"] < 1e-6 and check.detail["hosts"] == {"canary": 1, "control": 8}
    assert check.detail["p_hosts"] > 0.05 and check.status == "ok"
    slower = [(n, lb, i, v * (1.3 if s == "canary" else 1.0), s) for n, lb, i, v, s in rows]
    (check,) = check_series(_frame(slower), MetricRules())
    assert check.status == "fail" and check.detail["p_hosts"] < 0.01
