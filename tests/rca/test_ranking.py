"""The ranking on recorded data and on small cases whose answer is known by construction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from efficiency.ingest.errors import InputError
from efficiency.ingest.metrics import series_id
from efficiency.rca import RankingParams, load_service_graph, rank_services
from efficiency.rca.signals import SignalParams, direction, series_move
from tests.rca.conftest import FAULT_AT


def test_the_cpu_hog_ranks_first_with_its_evidence(tt_points: pd.DataFrame) -> None:
    ranking = rank_services(tt_points, FAULT_AT.to_pydatetime())
    assert ranking[0].service == "ts-contacts-service"
    services = {r.service for r in ranking}
    assert services == {
        "ts-contacts-service", "ts-preserve-service", "ts-basic-service", "ts-food-service",
        "ts-price-service",
    }  # fmt: skip
    top = ranking[0].evidence["top_series"][0]
    assert top["series"] == "cpu_usage_rate_percent"
    # 100% CPU against ~1% before: over six log-floor units (log(100 / 1.1) / 0.7)
    assert top["robust_z"] > 5 and top["value"] > 90
    assert pd.Timestamp(top["peak_at"]) > FAULT_AT
    assert [r.score for r in ranking] == sorted((r.score for r in ranking), reverse=True)


def _frame(series: dict[tuple[str, str], np.ndarray], start: datetime) -> pd.DataFrame:
    rows = []
    for (name, service), values in series.items():
        labels = {"service": service}
        for i, v in enumerate(values):
            rows.append((series_id(name, labels), name, labels, start + timedelta(minutes=i), v))
    frame = pd.DataFrame(rows, columns=["series_id", "name", "labels", "ts", "value"])
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame


def test_a_callee_that_moved_first_explains_its_caller() -> None:
    """The caller's latency moved most (8-fold against its callee's 4-fold: it adds its own
    time), but a minute after its callee did: with the call graph, the callee is the cause and
    the caller is explained by it."""
    rng = np.random.default_rng(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    at = start + timedelta(minutes=40)
    callee = 0.1 + rng.normal(0, 0.005, 48)
    caller = 0.2 + rng.normal(0, 0.005, 48)
    callee[40:46] += 0.3
    caller[41:46] += 1.4
    points = _frame({("latency_seconds", "db"): callee, ("latency_seconds", "api"): caller}, start)
    alone = rank_services(points, at)
    assert alone[0].service == "api"  # no graph: the biggest move wins
    ranked = rank_services(points, at, edges=[("api", "db")])
    assert [r.service for r in ranked] == ["db", "api"]
    assert ranked[1].evidence["explained_by"] == "db"
    assert ranked[0].evidence["call_path"] == ["api", "db"]


def test_a_new_series_is_judged_on_the_history_it_has() -> None:
    ts = pd.date_range("2026-01-01", periods=10, freq="min", tz="UTC")
    values = np.array([5.0, 5.1, 4.9, 5.0, 5.05, 4.95, 5.0, 90.0, 92.0, 91.0])
    move = series_move(ts, values, ts[7], "cpu_usage", SignalParams())
    # a calm series is judged on its fold change (at least log_floor log units a unit)
    assert move is not None and move.z > 3 and move.onset_at == ts[7]
    doubled = series_move(ts, np.where(values > 50, 10.0, values), ts[7], "cpu_usage",
                          SignalParams())  # fmt: skip
    assert doubled is not None and 0.5 < doubled.z < 3 and doubled.onset_at is None
    # two earlier points: too few to learn a spread from, unless the series sits on a log
    # scale, whose scale is at least log_floor (widened by sqrt(min_history / points))
    short = series_move(ts[:5], values[:5], ts[3], "cpu_usage", SignalParams())
    assert short is not None and short.z < 1 and short.scale >= 0.7 * np.sqrt(5 / 2)
    signed = np.array([-0.5, 0.5, 0.4, 0.6, 9.0])  # negative: no log scale, no judgment
    assert series_move(ts[:5], signed, ts[3], "temperature_delta", SignalParams()) is None


def test_a_call_edge_seen_once_before_is_judged_on_its_fold_change() -> None:
    """Spans cover a few minutes around each problem: a caller's edge into a slowed callee
    has one earlier minute at 20 ms and 2 s now, a hundredfold rise."""
    ts = pd.DatetimeIndex(
        ["2026-01-01T00:00Z", "2026-01-01T00:12Z", "2026-01-01T00:13Z", "2026-01-01T00:14Z"]
    )
    at = pd.Timestamp("2026-01-01T00:12:30Z")
    move = series_move(ts, np.array([0.02, 0.04, 1.9, 2.2]), at, "edge_latency_seconds",
                       SignalParams())  # fmt: skip
    assert move is not None and move.z > 2 and move.onset_at is None  # z ~2.9: widened scale
    assert series_move(ts, np.array([0.02, 0.04, 1.9, 2.2]), at, "edge_latency_seconds",
                       SignalParams(min_history_logged=2)) is None  # fmt: skip


def test_more_traffic_weighs_less_than_a_slower_service() -> None:
    """A service called eight times as often moved more in robust units than one whose
    latency went up fivefold, but more calls are what its callers send it: the slow one ranks
    first, unless traffic is weighed like any other series."""
    rng = np.random.default_rng(3)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    at = start + timedelta(minutes=40)
    calls = 100 * (1 + rng.normal(0, 0.01, 48))
    latency = 0.1 * (1 + rng.normal(0, 0.01, 48))
    calls[40:46] *= 8
    latency[40:46] *= 5
    points = _frame(
        {("http_requests_per_second", "api"): calls, ("latency_seconds", "db"): latency}, start
    )
    assert [r.service for r in rank_services(points, at)] == ["db", "api"]
    alike = rank_services(points, at, params=RankingParams(traffic_weight=1.0))
    assert [r.service for r in alike] == ["api", "db"]


def test_directions_follow_the_series_kind() -> None:
    assert direction("http_server_request_duration_seconds") == 1
    assert direction("pod_success_rate_percent") == -1
    assert direction("pod_workload_ops") == 0


def test_service_graph_files(tmp_path: Path) -> None:
    good = tmp_path / "graph.yaml"
    good.write_text("edges:\n  - {caller: a, callee: b}\n  - [b, c]\nservices:\n  a: [c]\n")
    assert load_service_graph(good) == [("a", "b"), ("b", "c"), ("a", "c")]
    bad = tmp_path / "bad.json"
    bad.write_text('{"edges": [{"caller": "a"}]}')
    with pytest.raises(InputError, match=r"edges\[0\]"):
        load_service_graph(bad)


def test_a_callers_errors_are_handed_to_the_callee_that_explains_them() -> None:
    """web logs ten errors a minute from T, orders (its callee) four: web is explained by
    orders, and part of what web loses goes to orders, which ranks first."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    at = start + timedelta(minutes=30)
    rows = []
    series = {
        ("log_error_lines", (("service", "web"),)): 10.0,
        ("log_error_lines", (("service", "orders"),)): 4.0,
        ("edge_requests", (("destination_workload", "orders"), ("source_workload", "web"))): 0.0,
    }
    for (name, pairs), burst in series.items():
        labels = dict(pairs)
        for i in range(36):
            value = burst if i >= 30 else 0.0
            if name == "edge_requests":
                value = 20.0
            rows.append(
                (series_id(name, labels), name, labels, start + timedelta(minutes=i), value)
            )
    points = pd.DataFrame(rows, columns=["series_id", "name", "labels", "ts", "value"])
    points["ts"] = pd.to_datetime(points["ts"], utc=True)
    ranked = rank_services(points, at)
    assert [r.service for r in ranked] == ["orders", "web"]
    assert ranked[1].evidence["explained_by"] == "orders"
    alone = rank_services(points, at, params=RankingParams(hand_up=0.0))
    assert alone[0].service == "web"  # explained, but nothing handed up: web still first


def test_the_explanation_flows_down_a_call_only_to_a_callee_that_moved_first() -> None:
    """web logs ten errors a minute from T; it calls api, whose latency goes from 0.1 s to
    3 s, and api calls db, which logs six errors a minute: all three moved in the same
    minute. db is the more abnormal callee, but web's trouble reached it through api, which
    moved no later than db and logs no errors: web's explanation (and what it hands up) goes
    to api, which ranks first."""
    rng = np.random.default_rng(5)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    at = start + timedelta(minutes=30)
    latency = 0.1 * (1 + rng.normal(0, 0.02, 36))
    latency[30:] = 3.0
    series = {
        ("log_error_lines", "web"): [0.0] * 30 + [10.0] * 6,
        ("latency_seconds", "api"): latency,
        ("log_error_lines", "db"): [0.0] * 30 + [6.0] * 6,
    }
    points = _frame({key: np.asarray(v) for key, v in series.items()}, start)
    ranked = rank_services(points, at, edges=[("web", "api"), ("api", "db")])
    by_name = {r.service: r for r in ranked}
    assert len({r.evidence["onset_at"] for r in ranked}) == 1  # the same minute
    assert by_name["db"].evidence["abnormality"] > by_name["api"].evidence["abnormality"]
    assert by_name["web"].evidence["explained_by"] == "api"
    assert [r.service for r in ranked] == ["api", "db", "web"]


def test_a_caller_whose_statements_stop_is_not_explained_by_its_callees_errors() -> None:
    """web's "step two done" line stops being reached while the calls into it keep coming
    (twenty a minute, then none); orders, which web calls, logs three errors a minute from T.
    web stands out by a statement it no longer reaches, not by errors it logs about a call:
    orders' errors do not explain it away, and web ranks first."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    at = start + timedelta(minutes=30)
    rows = []
    step = (("level", "info"), ("service", "web"), ("template", "step two done"))
    into_web = (("destination_workload", "web"), ("source_workload", "gateway"))
    into_orders = (("destination_workload", "orders"), ("source_workload", "web"))
    series = {
        ("log_template_lines", step): (20.0, 0.0),
        ("edge_requests", into_web): (20.0, 20.0),
        ("edge_requests", into_orders): (20.0, 20.0),
        ("log_error_lines", (("service", "orders"),)): (0.0, 3.0),
    }
    for (name, pairs), (before, after) in series.items():
        labels = dict(pairs)
        for i in range(36):
            value = after if i >= 30 else before
            rows.append(
                (series_id(name, labels), name, labels, start + timedelta(minutes=i), value)
            )
    points = pd.DataFrame(rows, columns=["series_id", "name", "labels", "ts", "value"])
    points["ts"] = pd.to_datetime(points["ts"], utc=True)
    ranked = {r.service: r for r in rank_services(points, at)}
    assert ranked["web"].evidence["explained_by"] is None
    assert max(ranked.values(), key=lambda r: r.score).service == "web"
    assert ranked["orders"].score > 0


def test_a_kind_of_evidence_that_moved_everywhere_weighs_less() -> None:
    """Six services' queues triple at T (a shift of the traffic all of them see) while one
    service's CPU rises two and a half times and the others' CPU stays put. Each queue moved
    more than that CPU, but the queues moved alike in most of the system: judged against
    their level across the services, the CPU's owner ranks first; judged alone, a queue
    does."""
    rng = np.random.default_rng(11)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    at = start + timedelta(minutes=40)
    series: dict[tuple[str, str], np.ndarray] = {}
    for service in ("a", "b", "c", "d", "e", "f"):
        queue = 1 + rng.normal(0, 0.01, 46)
        queue[40:] *= 3
        series[("request_queue_depth", service)] = queue
    for service in ("a", "b", "c", "d", "e", "f", "db"):
        cpu = 1 + rng.normal(0, 0.01, 46)
        if service == "db":
            cpu[40:] *= 2.5
        series[("cpu_seconds", service)] = cpu
    points = _frame(series, start)
    ranked = rank_services(points, at)
    assert ranked[0].service == "db"
    assert ranked[0].evidence["top_series"][0]["series"] == "cpu_seconds"
    alone = rank_services(points, at, params=RankingParams(kind_min_services=100))
    assert alone[0].service != "db"
    assert alone[0].evidence["top_series"][0]["series"] == "request_queue_depth"
