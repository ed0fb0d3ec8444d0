"""The metric detection pass partitioned by series on a real Dask distributed cluster (a
local scheduler and two worker processes on 127.0.0.1): the same detections as in one
process, through the function and through `efficiency detect --dask-scheduler`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from efficiency.config import DetectConfig
from efficiency.ingest.metrics import PointIn, store_metrics
from efficiency.stages.detect import detect_metric_anomalies
from efficiency.stages.partitions import DaskMapper, local_map, partitioned_scores
from efficiency.store.db import Database
from efficiency.store.incidents import Detection
from efficiency.store.metric_queries import metric_points_frame

distributed = pytest.importorskip("distributed")  # in the dev extra, so CI has it

T0 = datetime(2026, 6, 1, tzinfo=UTC)
HOSTS = 12


def fleet_points() -> list[PointIn]:
    """A day of CPU and memory of 12 hosts every 5 minutes; every third host's CPU jumps
    for three points at a different time."""
    rng = np.random.default_rng(7)
    points = []
    for h in range(HOSTS):
        spike = 150 + 10 * h if h % 3 == 0 else -1
        labels = {"host": f"h{h:02d}", "service": f"svc{h % 4}"}
        for i in range(288):
            at = T0 + timedelta(minutes=5 * i)
            daily = np.sin(2 * np.pi * i / 288)
            cpu = 0.97 if spike <= i < spike + 3 else 0.4 + 0.1 * daily + rng.normal(0, 0.01)
            mem = 6e9 + 5e8 * daily + rng.normal(0, 2e7)
            points.append(PointIn(name="host_cpu_utilization", labels=labels, timestamp=at,
                                  value=cpu))  # fmt: skip
            points.append(PointIn(name="host_memory_used_bytes", labels=labels, timestamp=at,
                                  value=mem))  # fmt: skip
    return points


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        scheduler_port=0, dashboard_address=None,
    ) as cluster:  # fmt: skip
        yield str(cluster.scheduler_address)


def filled(path: Path) -> Database:
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    with db.session() as s:
        store_metrics(s, fleet_points())
    return db


def detections(db: Database) -> list[tuple[Any, ...]]:
    with db.session() as s:
        rows = s.scalars(select(Detection).order_by(Detection.id)).all()
        return [(d.key, d.function, d.onset_at, d.service, d.evidence) for d in rows]


def test_a_pass_on_the_cluster_stores_what_one_process_stores(
    scheduler: str, tmp_path: Path
) -> None:
    here, there = filled(tmp_path / "here.db"), filled(tmp_path / "there.db")
    with here.session() as s:
        local = detect_metric_anomalies(s, DetectConfig())
    mapper = DaskMapper(scheduler)
    try:
        with there.session() as s:
            remote = detect_metric_anomalies(s, DetectConfig(), mapper)
        with there.session() as s:  # small partitions: many tasks, same answer
            points = metric_points_frame(s, T0, T0 + timedelta(days=1))
        assert repr(partitioned_scores(points, DetectConfig(), mapper, size=3)) == repr(
            partitioned_scores(points, DetectConfig(), local_map, size=3)
        )
    finally:
        mapper.close()
    assert remote.series == local.series == 2 * HOSTS
    assert len(remote.new) == len(local.new)
    assert detections(there) == detections(here)
    jumped = {d[1] for d in detections(there) if d[4]["value"] == 0.97}
    assert jumped == {
        f"host_cpu_utilization{{host=h{h:02d},service=svc{h % 4}}}" for h in (0, 3, 6, 9)
    }
    assert all("host_score" in d[4] for d in detections(there))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "efficiency", *args], capture_output=True, text=True, timeout=300
    )


def test_detect_with_dask_scheduler_matches_the_in_process_pass(
    scheduler: str, tmp_path: Path
) -> None:
    filled(tmp_path / "here.db").dispose()
    filled(tmp_path / "there.db").dispose()
    local = run("--db", str(tmp_path / "here.db"), "detect", "--json")
    remote = run("--db", str(tmp_path / "there.db"), "detect", "--json",
                 "--dask-scheduler", scheduler)  # fmt: skip
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr
    assert json.loads(remote.stdout)["metrics"] == json.loads(local.stdout)["metrics"]
    here = Database(f"sqlite:///{tmp_path / 'here.db'}")
    there = Database(f"sqlite:///{tmp_path / 'there.db'}")
    assert detections(there) == detections(here) != []


@pytest.mark.parametrize(
    ("address", "says"),
    [("127.0.0.1:8786", "is not tcp://HOST:PORT"), ("tcp://127.0.0.1:1", "cannot reach")],
)
def test_a_bad_or_unreachable_scheduler_is_one_line_and_exit_2(
    tmp_path: Path, address: str, says: str
) -> None:
    filled(tmp_path / "e.db").dispose()
    done = run("--db", str(tmp_path / "e.db"), "detect", "--dask-scheduler", address)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and says in done.stderr
    assert "Traceback" not in done.stderr


def test_host_scores_are_fitted_only_for_hosts_with_an_alarm(tmp_path: Path) -> None:
    db = filled(tmp_path / "quiet.db")
    with db.session() as s:
        points = metric_points_frame(s, T0, T0 + timedelta(days=1))
    found, host_scores = partitioned_scores(points, DetectConfig(), local_map)
    alarmed = {s.first["labels"]["host"] for s in found if s.alarms}
    assert alarmed and len(alarmed) < HOSTS  # some hosts are quiet
    assert set(host_scores) == alarmed
