"""Host metrics from real processes: every point passes the API model; counters and rates of
a child that did a known amount of work."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psutil
import pytest

from collectors.errors import CollectorError
from collectors.host import HostCollector
from efficiency.ingest.metrics import PointIn

#: burns 0.3 s of CPU (by the process's own clock, so not a timing assumption), then waits
WORKER = """
import sys, time
marker = sys.argv[1]
while time.process_time() < 0.3:
    sum(i * i for i in range(1000))
print("ready", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def worker() -> Iterator[tuple[subprocess.Popen[str], str]]:
    marker = f"efficiency-test-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, marker],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield proc, marker
    proc.kill()
    proc.wait()


def _burn(cpu_seconds: float) -> None:
    """Use some CPU here, so the CPU clocks have moved on by the next reading (ticks are
    10 ms; counting this process's own CPU time makes that certain, not a guess at timing)."""
    end = time.process_time() + cpu_seconds
    while time.process_time() < end:
        sum(i * i for i in range(1000))


def _by_name(points: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for p in points:
        PointIn.model_validate(p)
        out.setdefault(p["name"], []).append(p)
    return out


def test_host_and_process_series(worker: tuple[subprocess.Popen[str], str]) -> None:
    proc, marker = worker
    collector = HostCollector({"batch": [rf"\b{marker}$"]}, host="h1")
    at = datetime(2026, 1, 1, tzinfo=UTC)
    _burn(0.05)
    points = _by_name(collector.sample(now=at))
    assert all(p["timestamp"] == "2026-01-01T00:00:00Z" for ps in points.values() for p in ps)
    assert all(p["labels"]["host"] == "h1" for ps in points.values() for p in ps)
    ncpu = psutil.cpu_count()
    assert points["host_cpu_count"][0]["value"] == ncpu
    cores = points.get("host_cpu_core_utilization", [])
    assert sorted(p["labels"]["cpu"] for p in cores) == sorted(str(i) for i in range(ncpu))
    assert all(0.0 <= p["value"] <= 1.0 for p in cores + points["host_cpu_utilization"])
    mem = {n: points[n][0]["value"] for n in points if n.startswith("host_memory")}
    assert 0 < mem["host_memory_available_bytes"] <= mem["host_memory_total_bytes"]
    assert 0 < mem["host_memory_used_bytes"] <= mem["host_memory_total_bytes"]
    assert {"host_load1", "host_load5", "host_load15", "host_swap_total_bytes"} <= set(points)

    (cpu,) = points["process_cpu_seconds_total"]
    assert cpu["labels"] == {"host": "h1", "service": "batch", "pid": str(proc.pid)}
    assert cpu["value"] >= 0.25  # /proc counts whole 10 ms ticks
    assert points["process_rss_bytes"][0]["value"] > 1_000_000
    assert points["process_threads"][0]["value"] >= 1
    assert points["process_ctx_switches_voluntary_total"][0]["value"] >= 0
    assert points["process_ctx_switches_involuntary_total"][0]["value"] >= 0
    assert "process_cpu_cores" not in points  # a rate needs a previous reading

    _burn(0.05)
    again = _by_name(collector.sample())
    (rate,) = again["process_cpu_cores"]
    assert 0.0 <= rate["value"] <= ncpu
    assert again["process_cpu_seconds_total"][0]["value"] >= cpu["value"]


def test_pids_and_first_matching_service(worker: tuple[subprocess.Popen[str], str]) -> None:
    proc, marker = worker
    collector = HostCollector({"by-pid": [proc.pid], "by-pattern": [marker]})
    assert collector.matches() == {proc.pid: "by-pid"}
    services = {p["labels"].get("service") for p in collector.sample()}
    assert services == {None, "by-pid"}


def test_gone_process_is_skipped_and_counted() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    collector = HostCollector({"ghost": [gone.pid]})
    points = collector.sample()
    assert not [p for p in points if p["name"].startswith("process_")]
    assert collector.skipped == 1
    assert [p for p in points if p["name"] == "host_cpu_count"]


def test_bad_pattern_is_a_clear_error() -> None:
    with pytest.raises(CollectorError, match="service 'api': bad process pattern '\\('"):
        HostCollector({"api": ["("]})


def test_run_yields_batches_until_stopped() -> None:
    collector = HostCollector(interval_s=0.001)
    stop = threading.Event()
    batches = []
    for batch in collector.run(stop):
        batches.append(batch)
        if len(batches) == 2:
            stop.set()
    assert len(batches) == 2 and all(batches)
