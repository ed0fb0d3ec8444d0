"""`efficiency canary` judges error, latency and CPU-per-request series and GPU kernel time
beside the functions: a planted regression fails naming the metric or kernel, identical
series pass, and too few points are said, never passed. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from click.testing import CliRunner

from efficiency.cli import cli
from efficiency.store.db import Database
from tests.test_cli_canary import T0, WHEN, _windows

LATENCY = 'http_request_duration_seconds{quantile="0.99"}'
ERRORS = 'http_requests_total{status=~"5.."} / http_requests_total'


def _series(
    version: str, hosts: int, seed: int, p99: float = 0.20, error_rate: float = 0.002,
    cpu_per_request: float = 0.010, steps: int = 9, p99_steps: int | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Prometheus-style points every 15 s on ``hosts`` hosts named as the profile windows'
    (``v1-h0`` ...): request counters by status code, a p99 latency gauge, CPU seconds."""
    rng = np.random.default_rng(seed)
    out = []
    for h in range(hosts):
        base = {"service": "checkout", "host": f"{version}-h{h}", "version": version}
        ok = err = cpu = 0.0
        for i in range(steps):
            ts = (T0 + timedelta(seconds=15 * i)).isoformat()
            n = rng.poisson(300)
            bad = rng.binomial(n, error_rate)
            ok, err = ok + n - bad, err + bad
            cpu += n * cpu_per_request * rng.lognormal(0, 0.05)
            out += [
                {"name": "http_requests_total", "labels": {**base, "code": "200"},
                 "timestamp": ts, "value": ok},
                {"name": "http_requests_total", "labels": {**base, "code": "500"},
                 "timestamp": ts, "value": err},
                {"name": "process_cpu_seconds_total", "labels": base, "timestamp": ts,
                 "value": cpu},
            ]  # fmt: skip
            if p99_steps is None or i < p99_steps:
                out.append({"name": "http_request_duration_seconds",
                            "labels": {**base, "quantile": "0.99"}, "timestamp": ts,
                            "value": p99 * rng.lognormal(0, 0.05)})  # fmt: skip
    return out


def _run(url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", url, *args])
    return result.exit_code, result.output


def _ingest(url: str, tmp_path: Path, profiles: list[str], points: list[dict[str, Any]]) -> None:
    (tmp_path / "w.jsonl").write_text("\n".join(profiles) + "\n")
    code, out = _run(url, "ingest", "profile", str(tmp_path / "w.jsonl"), "--format", "jsonl")
    assert code == 0, out
    (tmp_path / "m.jsonl").write_text("".join(json.dumps(p) + "\n" for p in points))
    code, out = _run(url, "ingest", "metrics", str(tmp_path / "m.jsonl"))
    assert code == 0, out


def _canary(url: str, *extra: str) -> tuple[int, str]:
    return _run(url, "canary", "--service", "checkout", "--canary", "version=v2",
                "--control", "version=v1", *WHEN, *extra)  # fmt: skip


def _identical_profiles() -> list[str]:
    return _windows("v1", 0.0, 8, 6000, 3) + _windows("v2", 0.0, 8, 6000, 4)


def test_slower_latency_fails_naming_the_metric(db: Database, tmp_path: Path) -> None:
    points = _series("v1", 8, 1) + _series("v2", 8, 2, p99=0.26)
    _ingest(db.url, tmp_path, _identical_profiles(), points)
    code, out = _canary(db.url)
    assert code == 1, out
    assert out.startswith("FAIL") and f"fail: {LATENCY} [latency]" in out
    code, out = _canary(db.url, "--json")
    doc = json.loads(out)
    assert code == 1 and doc["verdict"] == "fail" and doc["score"] < 100
    assert [f["metric"] for f in doc["failures"]] == [LATENCY]
    bad = doc["failures"][0]
    assert 0.2 < bad["effect"] < 0.4 and bad["p_value"] < 0.01
    assert not doc["functions"] or doc["functions"][0]["status"] != "fail"


def test_more_errors_fail_naming_the_error_ratio(db: Database, tmp_path: Path) -> None:
    points = _series("v1", 8, 5) + _series("v2", 8, 6, error_rate=0.02)
    _ingest(db.url, tmp_path, _identical_profiles(), points)
    code, out = _canary(db.url, "--json")
    doc = json.loads(out)
    assert code == 1 and doc["verdict"] == "fail", out
    assert [f["metric"] for f in doc["failures"]] == [ERRORS]
    assert doc["failures"][0]["kind"] == "error" and doc["failures"][0]["effect"] > 2


def test_costlier_requests_fail_with_cores_at_full_rollout(tmp_path: Path) -> None:
    url = str(tmp_path / "e.db")
    points = _series("v1", 8, 7) + _series("v2", 8, 8, cpu_per_request=0.012)
    _ingest(url, tmp_path, _identical_profiles(), points)
    code, out = _canary(url, "--json")
    doc = json.loads(out)
    assert code == 1, out
    (bad,) = doc["failures"]
    assert bad["metric"] == "process_cpu_seconds_total per request"
    # +2 ms per request at 16 hosts x 20 requests/s = +0.64 cores
    assert 0.4 < bad["cores"] < 0.9 and bad["dollars_per_month"] > 0


def test_identical_series_pass(db: Database, tmp_path: Path) -> None:
    _ingest(db.url, tmp_path, _identical_profiles(), _series("v1", 8, 9) + _series("v2", 8, 10))
    code, out = _canary(db.url)
    assert code == 0 and out.startswith("PASS"), out
    assert "metrics and kernels: 3 of 3 checks ok" in out
    doc = json.loads(_canary(db.url, "--json")[1])
    assert doc["failures"] == []
    kinds = {c["kind"]: c for c in doc["checks"]}
    assert set(kinds) == {"error", "latency", "cpu_per_request"}
    assert all(c["status"] == "ok" and c["points"]["canary"] >= 60 for c in doc["checks"])


def test_too_few_points_are_insufficient_not_passed(tmp_path: Path) -> None:
    url = str(tmp_path / "e.db")
    points = _series("v1", 1, 11, p99_steps=2) + _series("v2", 1, 12, p99=5.0, p99_steps=2)
    _ingest(url, tmp_path, _identical_profiles(), points)
    code, out = _canary(url)
    assert code == 0 and out.startswith("PASS"), out  # the profiles decide; latency unjudged
    assert f"insufficient: {LATENCY} [latency] 2 canary / 2 control points" in out
    doc = json.loads(_canary(url, "--json")[1])
    latency = next(c for c in doc["checks"] if c["metric"] == LATENCY)
    assert latency["status"] == "insufficient" and latency["p_value"] is None
    assert LATENCY not in [f.get("metric") for f in doc["failures"]]


def test_profiled_cpu_per_request_without_a_cpu_series(tmp_path: Path) -> None:
    """No CPU counter: each profile window's CPU seconds over its host's requests."""
    url = str(tmp_path / "e.db")
    points = [p for p in _series("v1", 8, 13) + _series("v2", 8, 14)
              if p["name"] != "process_cpu_seconds_total"]  # fmt: skip
    _ingest(url, tmp_path, _identical_profiles(), points)
    doc = json.loads(_canary(url, "--json")[1])
    cpu = next(c for c in doc["checks"] if c["kind"] == "cpu_per_request")
    assert cpu["metric"] == "profiled CPU per request" and cpu["unit"] == "cpu-seconds per request"
    assert cpu["points"] == {"canary": 16, "control": 16} and cpu["status"] == "ok"
    # 6000 samples at 100 Hz over ~1200 requests a window
    assert 0.03 < cpu["control_median"] < 0.07 and cpu["cores"] is not None


# ------------------------------------------------------------------------------ GPU traces


def _trace(gemm_us: float, seed: int) -> bytes:
    """A small Kineto trace: 40 launches each of a GEMM and a ReLU kernel, wall-clock
    anchored at T0 (``baseTimeNanoseconds``)."""
    rng = np.random.default_rng(seed)
    events, t = [], 0.0
    for i in range(40):
        for j, (name, mean) in enumerate((("ampere_sgemm_128x64_nn", gemm_us), ("relu", 20.0))):
            corr = 2 * i + j + 1
            dur = float(mean * rng.lognormal(0, 0.03))
            events += [
                {"ph": "X", "name": "cudaLaunchKernel", "cat": "cuda_runtime", "ts": t,
                 "dur": 4, "pid": 1, "tid": 1, "args": {"correlation": corr}},
                {"ph": "X", "name": name, "cat": "kernel", "ts": t + 6, "dur": dur, "pid": 0,
                 "tid": 7, "args": {"correlation": corr, "stream": 7, "device": 0,
                                    "grid": [1, 1, 1], "block": [128, 1, 1]}},
            ]  # fmt: skip
            t += dur + 10
    base = int(T0.timestamp() * 1e9) + 30 * 10**9
    return json.dumps({"traceEvents": events, "baseTimeNanoseconds": base}).encode()


def _ingest_traces(url: str, tmp_path: Path, per_side: int, slower: float) -> None:
    for side, factor in (("c", slower), ("k", 1.0)):
        for i in range(per_side):
            path = tmp_path / f"{side}{i}.json"
            path.write_bytes(_trace(100.0 * factor, seed=(100 if side == "c" else 200) + i))
            code, out = _run(url, "ingest", "trace", str(path), "--service", "trainer",
                             "--host", f"gpu-{side}{i}")  # fmt: skip
            assert code == 0, out


def _gpu_canary(url: str, per_side: int, *extra: str) -> tuple[int, str]:
    canary = "host=" + ",".join(f"gpu-c{i}" for i in range(per_side))
    control = "host=" + ",".join(f"gpu-k{i}" for i in range(per_side))
    return _run(url, "canary", "--service", "trainer", "--canary", canary, "--control",
                control, *WHEN, *extra)  # fmt: skip


def test_slower_kernel_fails_naming_it(db: Database, tmp_path: Path) -> None:
    _ingest_traces(db.url, tmp_path, 6, slower=1.15)
    code, out = _gpu_canary(db.url, 6)
    assert code == 1, out
    assert "fail: ampere_sgemm_128x64_nn [gpu_kernel]" in out and "GPU busy time" in out
    doc = json.loads(_gpu_canary(db.url, 6, "--json")[1])
    (bad,) = doc["failures"]
    assert bad["metric"] == "ampere_sgemm_128x64_nn" and bad["kind"] == "gpu_kernel"
    assert 0.1 < bad["effect"] < 0.2 and 0.05 < bad["gpu_busy_rel"] < 0.2
    relu = next(c for c in doc["checks"] if c["metric"] == "relu")
    assert relu["status"] == "ok"


def test_same_kernels_pass_and_one_trace_a_side_is_insufficient(tmp_path: Path) -> None:
    url = str(tmp_path / "e.db")
    _ingest_traces(url, tmp_path, 6, slower=1.0)
    code, out = _gpu_canary(url, 6)
    assert code == 0 and "no profile windows; no metric of 2 regressed" in out, out
    code, out = _gpu_canary(url, 1, "--json")
    doc = json.loads(out)
    assert code == 2 and doc["verdict"] == "insufficient"
    assert {c["status"] for c in doc["checks"]} == {"insufficient"}


def test_traces_follow_the_hosts_a_version_selector_picked(tmp_path: Path) -> None:
    """Traces carry no labels: ``version=v2`` picks the hosts whose series say v2."""
    url = str(tmp_path / "e.db")
    _ingest_traces(url, tmp_path, 6, slower=1.15)
    points = [
        {"name": "process_cpu_seconds_total", "timestamp": (T0 + timedelta(seconds=s)).isoformat(),
         "labels": {"service": "trainer", "host": f"gpu-{side}{i}", "version": version},
         "value": float(s)}
        for side, version in (("c", "v2"), ("k", "v1")) for i in range(6) for s in (0, 15)
    ]  # fmt: skip
    (tmp_path / "m.jsonl").write_text("".join(json.dumps(p) + "\n" for p in points))
    assert _run(url, "ingest", "metrics", str(tmp_path / "m.jsonl"))[0] == 0
    code, out = _run(url, "canary", "--service", "trainer", "--canary", "version=v2",
                     "--control", "version=v1", *WHEN, "--json")  # fmt: skip
    doc = json.loads(out)
    assert code == 1 and [f["metric"] for f in doc["failures"]] == ["ampere_sgemm_128x64_nn"]
