"""Root cause from log and span evidence: a synthetic two-service system where the callee
starts throwing at T and its caller logs the failure too, through the CLI a user runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from efficiency.rca.events import EventParams, count_move, named_service
from tests.test_cli import run

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
AT = T0 + timedelta(minutes=20)


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def system(tmp_path: Path) -> tuple[Path, Path]:
    """30 minutes of traffic: web calls orders, orders reads a table; from AT on, orders
    throws on one call in three and web logs each failed call."""
    logs, spans = [], []
    for i in range(0, 30 * 60, 4):
        t = T0 + timedelta(seconds=i)
        failing = t >= AT and i % 12 == 0
        logs.append({"ts": _iso(t), "service": "web", "message": f"INFO GET /home {i} 200"})
        logs.append({"ts": _iso(t), "pod": "orders-5dc8d4f9fd-46997",
                     "message": f"INFO order {i} loaded"})  # fmt: skip
        if failing:
            logs.append(
                {
                    "ts": _iso(t),
                    "pod": "orders-5dc8d4f9fd-46997",
                    "message": f"ERROR OrderService#52 java.lang.IllegalStateException: order {i}",
                }
            )
            logs.append({"ts": _iso(t), "service": "web",
                         "message": f"ERROR upstream call failed: 500 for {i}"})  # fmt: skip
        if i % 300 == 0:  # a rare warning of web, before and after: noise, not a cause
            logs.append({"ts": _iso(t), "service": "web", "message": "WARN slow client"})
        web, orders = f"w{i}", f"o{i}"
        spans += [
            {"trace_id": f"t{i}", "span_id": web, "parent_id": None, "service": "web",
             "operation": "GET /home", "start": _iso(t), "duration": 0.05},
            {"trace_id": f"t{i}", "span_id": orders, "parent_id": web, "service": "orders",
             "operation": f"GET /orders/{i}", "start": _iso(t), "duration": 0.03},
        ]  # fmt: skip
    log_file, span_file = tmp_path / "logs.jsonl", tmp_path / "spans.jsonl"
    log_file.write_text("".join(json.dumps(r) + "\n" for r in logs))
    span_file.write_text("".join(json.dumps(r) + "\n" for r in spans))
    return log_file, span_file


def test_the_service_that_starts_throwing_ranks_first(tmp_path: Path) -> None:
    log_file, span_file = system(tmp_path)
    assert run(tmp_path, "ingest", "spans", str(span_file)).returncode == 0
    assert run(tmp_path, "ingest", "logs", str(log_file)).returncode == 0
    done = run(tmp_path, "rca", "--at", _iso(AT), "--json")
    assert done.returncode == 0, done.stderr
    ranking = json.loads(done.stdout)["ranking"]
    assert [r["service"] for r in ranking] == ["orders", "web"]
    top = ranking[0]["evidence"]["top_series"][0]
    assert top["series"] in ("log_template_lines", "log_error_lines")
    assert top["onset_at"] is not None and top["onset_at"] >= _iso(AT - timedelta(minutes=1))
    web = ranking[1]["evidence"]
    assert web["explained_by"] == "orders" and web["call_path"] == ["web"]


def test_a_count_that_never_happened_moves_by_its_count() -> None:
    ts = pd.date_range(T0, periods=12, freq="min")
    quiet = np.zeros(12)
    burst = quiet.copy()
    burst[10:] = 40.0
    at = pd.Timestamp(ts[10])
    params = EventParams()
    assert count_move(ts, quiet, at, params).z == 0.0
    move = count_move(ts, burst, at, params)
    assert move is not None and move.z == 40.0 and move.onset_at == ts[10]
    assert count_move(ts[9:], burst[9:], at, params) is None  # no history minute


def test_a_statement_that_stops_being_reached_points_at_its_service(tmp_path: Path) -> None:
    """orders logs one line per call until AT, then only on half of them (an exception thrown
    before the statement, caught by a framework that logs nothing): no error line anywhere,
    the calls into orders unchanged."""
    logs, spans = [], []
    for i in range(0, 30 * 60, 2):
        t = T0 + timedelta(seconds=i)
        spans += [
            {"trace_id": f"t{i}", "span_id": f"w{i}", "service": "web", "operation": "GET /",
             "start": _iso(t), "duration": 0.05},
            {"trace_id": f"t{i}", "span_id": f"o{i}", "parent_id": f"w{i}", "service": "orders",
             "operation": "GET /orders", "start": _iso(t), "duration": 0.03},
        ]  # fmt: skip
        logs.append({"ts": _iso(t), "service": "web", "message": f"INFO GET / {i} 200"})
        if t < AT or i % 4 == 0:
            logs.append({"ts": _iso(t), "service": "orders", "message": f"INFO order {i} ok"})
    (tmp_path / "l.jsonl").write_text("".join(json.dumps(r) + "\n" for r in logs))
    (tmp_path / "s.jsonl").write_text("".join(json.dumps(r) + "\n" for r in spans))
    assert run(tmp_path, "ingest", "spans", str(tmp_path / "s.jsonl")).returncode == 0
    assert run(tmp_path, "ingest", "logs", str(tmp_path / "l.jsonl")).returncode == 0
    done = run(tmp_path, "rca", "--at", _iso(AT), "--json")
    ranking = json.loads(done.stdout)["ranking"]
    assert ranking[0]["service"] == "orders" and ranking[0]["score"] > 0
    top = ranking[0]["evidence"]["top_series"][0]
    assert top["series"] == "log_template_lines" and "fall" in top["measured"]
    assert top["value"] < top["baseline"]  # counted, against what the calls made expected


def test_an_error_that_names_another_service_is_that_services_evidence() -> None:
    known = {"web", "orders", "orders-db", "cart"}
    error = {"level": "error", "service": "web"}
    text = "<n> ERROR Load balancer does not have available server for client: orders-db"
    assert named_service({**error, "template": text}, "web", known) == "orders-db"
    assert named_service({**error, "template": "No instances available for ORDERS"},
                         "web", known) == "orders"  # fmt: skip
    # whole names only, never the logger itself, never an info line
    assert named_service({**error, "template": "cartridge jammed"}, "web", known) is None
    assert named_service({**error, "template": "web failed"}, "web", known) is None
    info = {"level": "info", "service": "web", "template": "called orders"}
    assert named_service(info, "web", known) is None


def test_a_callee_named_by_its_callers_errors_ranks_first(tmp_path: Path) -> None:
    """orders drops out of discovery at AT and logs nothing; web, its caller, logs an error
    naming it. The error is evidence about orders."""
    logs, spans = [], []
    for i in range(0, 30 * 60, 4):
        t = T0 + timedelta(seconds=i)
        logs.append({"ts": _iso(t), "service": "web", "message": f"INFO GET /home {i} 200"})
        logs.append({"ts": _iso(t), "service": "orders", "message": f"INFO order {i} loaded"})
        if t >= AT and i % 8 == 0:
            message = f"ERROR No instances available for orders (attempt {i})"
            logs.append({"ts": _iso(t), "service": "web", "message": message})
        spans += [
            {"trace_id": f"t{i}", "span_id": f"w{i}", "service": "web", "operation": "GET /",
             "start": _iso(t), "duration": 0.05},
            {"trace_id": f"t{i}", "span_id": f"o{i}", "parent_id": f"w{i}", "service": "orders",
             "operation": "GET /orders", "start": _iso(t), "duration": 0.03},
        ]  # fmt: skip
    (tmp_path / "l.jsonl").write_text("".join(json.dumps(r) + "\n" for r in logs))
    (tmp_path / "s.jsonl").write_text("".join(json.dumps(r) + "\n" for r in spans))
    assert run(tmp_path, "ingest", "spans", str(tmp_path / "s.jsonl")).returncode == 0
    assert run(tmp_path, "ingest", "logs", str(tmp_path / "l.jsonl")).returncode == 0
    done = run(tmp_path, "rca", "--at", _iso(AT), "--json")
    assert done.returncode == 0, done.stderr
    ranking = json.loads(done.stdout)["ranking"]
    assert ranking[0]["service"] == "orders"
    top = ranking[0]["evidence"]["top_series"][0]
    assert top["series"] == "log_template_lines" and top["logged_by"] == "web"
