"""The dashboard's query functions on both backends: time buckets, flame-graph counts, the
fleet, GPU traces and series, the savings ledger, the overview and proposal reviews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from efficiency.ingest.metrics import PointIn, store_metrics
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.profiles import WindowMeta, store_profiles
from efficiency.ingest.traces import parse_trace, store_trace
from efficiency.store.capacity_queries import service_cores, service_gpu_hours
from efficiency.store.db import Database
from efficiency.store.flame_queries import profile_span, share_series, stack_counts
from efficiency.store.fleet_queries import fleet, latest_points
from efficiency.store.gpu_queries import (
    list_traces,
    metric_series_buckets,
    metric_span,
    trace_detail,
)
from efficiency.store.incident_actions import ActionInputError
from efficiency.store.overview_queries import top_hotspots
from efficiency.store.proposal_queries import proposal_detail, proposal_rows, review_proposal
from efficiency.store.remediation import Hotspot, Proposal, Saving
from efficiency.store.savings_queries import (
    open_proposal_savings,
    savings_by_group,
    savings_by_month,
    savings_by_proposal,
    savings_totals,
)

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday, midnight UTC


def windows(db: Database, service: str = "api") -> None:
    """Two days: 4 windows of 10 minutes a day, 2 cores busy on day one, 4 on day two (at
    100 Hz); from noon of day two ``parse`` is on top of twice as many samples."""
    with db.session() as s:
        for day in range(2):
            for i in range(4):
                start = T0 + timedelta(days=day, hours=6 * i)
                total = (2 + 2 * day) * 600 * 100
                parse = total // 4 if start < T0 + timedelta(days=1, hours=12) else total // 2
                text = f"main;handle;parse {parse}\nmain;handle;render {total - parse}\n"
                meta = WindowMeta(service=service, host="h1", start=start,
                                  end=start + timedelta(minutes=10), rate_hz=100.0)  # fmt: skip
                store_profiles(s, [(meta, parse_folded(text))])


def test_cores_per_day_are_utc_day_buckets(db: Database) -> None:
    windows(db)
    with db.session() as s:
        frame = service_cores(s, T0, T0 + timedelta(days=2))
    assert frame["at"].tolist() == [T0, T0 + timedelta(days=1)]
    assert frame["cores"].round(6).tolist() == [2.0, 4.0]
    with db.session() as s:
        hourly = service_cores(s, T0, T0 + timedelta(days=1), bucket_seconds=3600)
    assert [t.hour for t in hourly["at"]] == [0, 6, 12, 18]


def test_stack_counts_and_a_function_share_over_time(db: Database) -> None:
    windows(db)
    with db.session() as s:
        assert profile_span(s, "api") == (T0, T0 + timedelta(days=1, hours=18))
        counts = stack_counts(s, "api", T0, T0 + timedelta(days=1))
        assert counts.windows == 4 and counts.samples == 4 * 120_000
        assert counts.cores == pytest.approx(4 * 120_000 / 100 / (18 * 3600 + 600))
        paths = {p[-1]: sid for sid, p in counts.paths.items()}
        assert set(paths) == {"parse", "render"}
        series = share_series(s, "api", T0, T0 + timedelta(days=2), [paths["parse"]],
                              [paths["parse"]], 86_400)  # fmt: skip
    assert series["at"].tolist() == [T0, T0 + timedelta(days=1)]
    assert series["self_share"].round(4).tolist() == [0.25, 0.375]


def test_the_fleet_and_each_series_newest_point(db: Database) -> None:
    windows(db)
    points = [
        PointIn(name="efficiency_agent_spool_batches", labels={"host": "h1"},
                timestamp=T0 + timedelta(minutes=m), value=float(m))
        for m in range(5)
    ] + [
        PointIn(name="efficiency_agent_collector_errors", labels={"host": "h2", "collector": "gpu"},
                timestamp=T0, value=3.0),
        PointIn(name="gpu_utilization", labels={"host": "h2", "gpu": "0"}, timestamp=T0,
                value=0.5),
    ]  # fmt: skip
    with db.session() as s:
        store_metrics(s, points)
    with db.session() as s:
        latest = {p["name"]: p for p in latest_points(s, ["gpu_utilization"], "efficiency_agent_")}
        rows = {r["host"]: r for r in fleet(s)}
    assert latest["efficiency_agent_spool_batches"]["value"] == 4.0
    assert latest["efficiency_agent_spool_batches"]["at"] == T0 + timedelta(minutes=4)
    assert rows["h1"]["services"] == ["api"] and rows["h1"]["windows"] == 8
    assert rows["h1"]["spool_batches"] == 4 and rows["h1"]["last_window_at"].startswith(
        "2026-03-03"
    )
    assert rows["h2"]["collector_errors"] == {"gpu": 3} and rows["h2"]["gpus"] == 1


def test_gpu_traces_series_and_busy_hours(db: Database, datasets: Path) -> None:
    trace = datasets / "kineto-traces" / "h200_pattern_host_sync.pt.trace.json.gz"
    with db.session() as s:
        store_trace(s, "trainer", "gpu-1", parse_trace(trace.read_bytes()), trace.name)
        store_metrics(s, [
            PointIn(name="gpu_utilization", labels={"host": "gpu-1", "gpu": "0"},
                    timestamp=T0 + timedelta(minutes=m), value=0.5)
            for m in range(0, 61)
        ])  # fmt: skip
    with db.session() as s:
        (listed,) = list_traces(s)
        detail = trace_detail(s, listed["id"])
        frame = metric_series_buckets(s, "gpu_utilization", T0, T0 + timedelta(hours=1), 1800)
        span = metric_span(s, "gpu_utilization")
        hours = service_gpu_hours(s, T0, T0 + timedelta(days=1))
    assert detail is not None and detail["device_name"].startswith("NVIDIA H200")
    assert detail["kernels"] and detail["kernels"][0]["share"] > 0
    assert any("Synchronize" in x["name"] or "Sync" in x["name"] for x in detail["syncs"])
    assert frame["points"].tolist() == [30, 30, 1] and frame["mean"].tolist() == [0.5] * 3
    assert span == (T0, T0 + timedelta(hours=1))
    assert hours["service"].tolist() == ["trainer"]
    assert hours["gpu_hours"].round(4).tolist() == [round(0.5 * 61 / 60, 4)]


def ledger(db: Database) -> dict[str, int]:
    with db.session() as s:
        ids = {}
        for name, playbook, status in (("a", "re", "merged"), ("b", "log", "proposed"),
                                       ("c", "log", "rejected")):  # fmt: skip
            s.add(Hotspot(id=name, service=f"svc-{name}", frame=f"f{name}", runtime="python",
                          period_start=T0, period_end=T0 + timedelta(hours=2), cost_cores=1.0,
                          updated_at=T0))  # fmt: skip
            p = Proposal(hotspot_id=name, playbook=playbook, status=status, created_at=T0,
                         updated_at=T0, estimated_savings_cores=0.5,
                         verification={"estimated_cost": {"dollars_per_month": 14.61}})  # fmt: skip
            s.add(p)
            s.flush()
            ids[name] = p.id
            s.add(Saving(proposal_id=p.id, service=f"svc-{name}", team="web", playbook=playbook,
                         kind="estimated", period_start=T0, period_end=T0, cores=0.5,
                         kwh=4.38, dollars=14.61))  # fmt: skip
        s.add(Saving(proposal_id=ids["a"], service="svc-a", playbook="re", kind="realized",
                     period_start=T0 + timedelta(days=40), period_end=T0 + timedelta(days=41),
                     cores=0.25, kwh=2.19, dollars=7.31))  # fmt: skip
    return ids


def test_the_savings_ledger_summed_in_sql(db: Database) -> None:
    ids = ledger(db)
    with db.session() as s:
        totals = savings_totals(s)
        march = savings_totals(s, T0, T0 + timedelta(days=30))
        teams = savings_by_group(s, "team")
        per = savings_by_proposal(s)
        months = savings_by_month(s)
        still_open = open_proposal_savings(s)
    # the rejected proposal's estimate does not count
    assert totals["estimated"] == {"cores": 1.0, "gpu_hours": 0.0, "kwh": 8.76, "dollars": 29.22}
    assert totals["realized"]["dollars"] == 7.31 and march["realized"]["dollars"] == 0.0
    # the realized line has no team of its own: it takes its proposal's
    assert {(r["group"], r["kind"]) for r in teams} == {("web", "estimated"), ("web", "realized")}
    assert {(r["proposal_id"], r["kind"]) for r in per} == {
        (ids["a"], "estimated"), (ids["a"], "realized"), (ids["b"], "estimated"),
    }  # fmt: skip
    assert [(m["month"], m["kind"]) for m in months] == [("2026-03", "estimated"),
                                                        ("2026-04", "realized")]  # fmt: skip
    assert still_open == {"svc-b": (0.5, 0.0)}
    with pytest.raises(ValueError, match="by"):
        savings_by_group(db.sessions(), "host")


def test_review_a_proposal_and_the_costliest_hot_spots(db: Database) -> None:
    ids = ledger(db)
    with db.session() as s:
        done = review_proposal(s, ids["b"], "merged", "erin", now=T0)
        assert (done["status"], done["reviewed_by"]) == ("merged", "erin")
        with pytest.raises(ActionInputError, match="already merged"):
            review_proposal(s, ids["b"], "rejected", "erin")
        with pytest.raises(ActionInputError, match="does not exist"):
            review_proposal(s, 999, "merged", "erin")
        assert [r["id"] for r in proposal_rows(s, status="merged")] == [ids["b"], ids["a"]]
        assert proposal_detail(s, ids["a"])["estimated_dollars_per_month"] == 14.61  # type: ignore[index]
        spots = top_hotspots(s, 2)
    assert [h["cores"] for h in spots] == [1.0, 1.0] and spots[0]["gpus"] == 0.0


def test_cores_count_concurrent_processes_once_each_and_restarts_once(db: Database) -> None:
    """Two workers profiled together are summed; a process restarted halfway is one."""
    with db.session() as s:
        for i in range(4):
            start = T0 + timedelta(hours=6 * i)
            for process in ["a", "b"] if i < 2 else [f"c{i}"]:  # two workers, then restarts
                meta = WindowMeta(service="web", host="h1", process=process, start=start,
                                  end=start + timedelta(minutes=10), rate_hz=100.0)  # fmt: skip
                samples = 60_000 if i < 2 else 120_000  # 1 core each, then 2 cores alone
                store_profiles(s, [(meta, parse_folded(f"main;work {samples}\n"))])
    with db.session() as s:
        frame = service_cores(s, T0, T0 + timedelta(days=1), service="web")
    assert frame["cores"].round(6).tolist() == [2.0]
