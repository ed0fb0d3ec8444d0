"""The hot-spot stage over a real store (SQLite and PostgreSQL): profiles and Kineto traces
ingested through the ingest code, hot spots ranked, matched and upserted."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.profiles import WindowMeta, store_profiles
from efficiency.ingest.traces import parse_trace, store_trace
from efficiency.remediate.hotspots import hotspot_key
from efficiency.remediate.playbooks import Playbook, load_playbooks
from efficiency.stages.hotspots import hotspot_dict, refresh_hotspots
from efficiency.store.db import Database
from efficiency.store.remediation import Hotspot

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)
NOW = datetime(2026, 11, 23, tzinfo=UTC)
APP = "/srv/app/shop"
DESIGN_KEYS = {"id", "service", "frame", "runtime", "share", "cost_cores", "cost_gpu_hours",
               "playbooks"}  # fmt: skip


@pytest.fixture(scope="module")
def playbooks() -> list[Playbook]:
    return load_playbooks()


def put(db: Database, service: str, folded: str, start: datetime, seconds: float = 10,
        rate: float | None = 100.0) -> None:  # fmt: skip
    meta = WindowMeta(service=service, host="h1", start=start,
                      end=start + timedelta(seconds=seconds), rate_hz=rate)  # fmt: skip
    with db.session() as s:
        store_profiles(s, [(meta, parse_folded(folded))])


def ingest_trace(db: Database, datasets: Path, service: str, name: str) -> None:
    data = (datasets / "kineto-traces" / name).read_bytes()
    with db.session() as s:
        store_trace(s, service, "gpu-1", parse_trace(data), file_name=name, now=NOW)


def count(db: Database) -> int:
    with db.session() as s:
        return s.execute(select(func.count()).select_from(Hotspot)).scalar_one()


def test_dataloader_playbook_fires_on_the_stalled_trace_only(
    db: Database, datasets: Path, playbooks: list[Playbook]
) -> None:
    """A conv net trained on an H200 with num_workers=0, and a trace with no waste."""
    ingest_trace(
        db, datasets, "convnet-w0", "h200_convnet_dataloader_num_workers_0.pt.trace.json.gz"
    )
    ingest_trace(db, datasets, "clean", "h200_pattern_clean.pt.trace.json.gz")
    with db.session() as s:
        rows = [hotspot_dict(h) for h in refresh_hotspots(s, playbooks=playbooks, now=NOW)]
    by = {(r["service"], r["frame"]): r for r in rows}
    stall = by[("convnet-w0", "gpu idle: host wait")]
    assert stall["playbooks"][0] == "gpu-dataloader-stall"
    assert not [r for r in rows if r["service"] == "clean" and r["playbooks"]]
    # the numbers the rule compares: 86% of each step in the DataLoader without workers, and
    # the GPU waiting for the host for 80% of its span (HTA 0.5.0: 86,496 µs on stream 7)
    w0 = stall["evidence"]["trace"]
    assert w0["dataloader.step_share"] == pytest.approx(0.8622, abs=1e-4)
    assert w0["idle.host_wait_share"] == pytest.approx(0.7952, abs=1e-4)
    assert stall["share"] == pytest.approx(0.7952, abs=1e-4)
    assert stall["cost_gpu_hours"] == pytest.approx(86496 / 3.6e9, rel=1e-4)
    assert stall["runtime"] == "gpu" and stall["cost_cores"] is None
    assert stall["id"] == hotspot_key("convnet-w0", "gpu", "gpu idle: host wait")
    # the DataLoader's own copies are pageable
    pageable = by[("convnet-w0", "Memcpy HtoD (Pageable -> Device)")]
    assert pageable["playbooks"] == ["gpu-pageable-h2d"]
    diagnosis = {b.id: b for b in playbooks}["gpu-dataloader-stall"].render_diagnosis(
        stall["evidence"]
    )
    assert "86.2% of each step in enumerate(DataLoader)" in diagnosis
    assert set(stall) >= DESIGN_KEYS
    json.dumps(rows)


def test_cpu_hotspots_costs_trend_and_playbooks(db: Database, playbooks: list[Playbook]) -> None:
    caller = f"main ({APP}/main.py:1);handle ({APP}/views.py:40)"
    # previous hour: malloc at 10%; this hour: malloc at 30% (1000 samples in 10 s = 1 core)
    put(db, "api", f"{caller};malloc (libc.so.6) 100\n{caller};busy ({APP}/views.py:50) 900\n",
        T0 - timedelta(hours=1))  # fmt: skip
    put(db, "api", f"{caller};malloc (libc.so.6) 300\n{caller};busy ({APP}/views.py:50) 700\n",
        T0)  # fmt: skip
    put(db, "other", f"x ({APP}/x.py:1) 10\n", T0)
    with db.session() as s:
        rows = refresh_hotspots(s, "api", T0, T0 + timedelta(hours=1), playbooks, now=NOW)
        dicts = [hotspot_dict(h) for h in rows]
    assert {d["service"] for d in dicts} == {"api"}
    assert [d["frame"] for d in dicts][:2] == [f"busy ({APP}/views.py)", "malloc (libc.so.6)"]
    malloc = dicts[1]
    assert malloc["runtime"] == "native" and malloc["playbooks"] == ["native-glibc-malloc"]
    assert malloc["share"] == pytest.approx(0.3) and malloc["cost_cores"] == pytest.approx(0.3)
    assert malloc["trend"] == pytest.approx(0.2)
    assert (malloc["period_start"], malloc["period_end"]) == ("2026-11-22T10:00:00Z",
                                                              "2026-11-22T11:00:00Z")  # fmt: skip
    ev = malloc["evidence"]
    assert (ev["function"], ev["file"], ev["line"]) == ("handle", f"{APP}/views.py", 40)
    assert ev["stacks"][0]["frames"][-1] == "malloc (libc.so.6)"
    assert set(malloc) >= DESIGN_KEYS
    with db.session() as s:
        stored = s.get(Hotspot, malloc["id"])
        assert stored is not None and stored.frame_id is not None
        assert stored.updated_at == NOW


def test_refresh_is_an_upsert(db: Database, playbooks: list[Playbook]) -> None:
    put(db, "api", f"a ({APP}/a.py:1) 60\nb ({APP}/a.py:2) 40\n", T0)
    with db.session() as s:
        first = [hotspot_dict(h) for h in refresh_hotspots(s, playbooks=playbooks, now=NOW)]
    assert count(db) == 2
    # a second pass over the same data writes the same rows
    with db.session() as s:
        again = [hotspot_dict(h) for h in refresh_hotspots(s, playbooks=playbooks, now=NOW)]
    assert again == first and count(db) == 2
    # new data in a later window: the same hot spots, moved to the new period
    put(db, "api", f"a ({APP}/a.py:1) 10\nb ({APP}/a.py:2) 90\n", T0 + timedelta(minutes=5))
    with db.session() as s:
        later = {
            d["frame"]: d
            for d in (hotspot_dict(h) for h in refresh_hotspots(s, playbooks=playbooks, now=NOW))
        }
    assert count(db) == 2
    assert later[f"b ({APP}/a.py)"]["share"] == pytest.approx(130 / 200)
    assert later[f"b ({APP}/a.py)"]["id"] == first[1]["id"]
    assert later[f"b ({APP}/a.py)"]["period_end"] == "2026-11-22T10:05:10Z"


def test_no_data_no_hotspots(db: Database, playbooks: list[Playbook]) -> None:
    with db.session() as s:
        assert refresh_hotspots(s, playbooks=playbooks) == []
        assert refresh_hotspots(s, "nobody", playbooks=playbooks) == []
    put(db, "api", "a (a.py:1) 5\n", T0)
    with db.session() as s:
        assert refresh_hotspots(s, start=T0 + timedelta(hours=1), playbooks=playbooks) == []
    assert count(db) == 0


def test_default_playbooks_and_a_cpu_only_trace(db: Database, datasets: Path) -> None:
    """Without playbooks given the repository's are used; a CPU-only trace has no GPU hot
    spot worth reporting and breaks nothing."""
    ingest_trace(db, datasets, "cpu", "cpu_only__rank-34.Jul_15_10_52_41.1074.pt.trace.json.gz")
    ingest_trace(
        db,
        datasets,
        "alexnet",
        "critical_path__alexnet__benchmark_result_2869224_1695835535_trace.json.gz",
    )
    with db.session() as s:
        rows = [hotspot_dict(h) for h in refresh_hotspots(s, now=NOW)]
    assert {r["service"] for r in rows} == {"alexnet"}
    matched = {p for r in rows for p in r["playbooks"]}
    # 84% of the GPU's time is one pageable copy; cudaMalloc/cudaFree take 20% of the trace
    assert {"gpu-pageable-h2d", "gpu-caching-allocator-thrash", "gpu-fp32-gemm-tf32"} <= matched
