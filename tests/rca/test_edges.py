"""Call-edge series (a service mesh's source/destination latency) through `efficiency ingest
metrics` and `efficiency rca` / `GET /api/v1/rca`, on a real SQLite store: the rise is blamed
on the deepest service that does not pass it on, and a caller whose own calls all slowed is
blamed for them, not its callees."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from efficiency.config import Config
from efficiency.rca.edges import is_latency
from efficiency.store.db import Database
from tests.ingest.conftest import run_server
from tests.test_cli import run

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AT = START + timedelta(minutes=60)
#: caller -> callee: (typical latency in seconds, relative noise). The gateway's view of the
#: api is far steadier than the api's view of its stores, so in robust units the api's
#: callers see the larger move whenever the api passes a store's slowness on.
EDGES = {
    ("gateway", "api"): (0.100, 0.002),
    ("gateway", "auth"): (0.030, 0.02),
    ("api", "db"): (0.020, 0.10),
    ("api", "cache"): (0.005, 0.10),
    ("worker", "db"): (0.020, 0.10),
    ("worker", "cache"): (0.005, 0.10),
}


def _mesh(rise: dict[tuple[str, str], float], seed: int = 3) -> str:
    """70 minutes of per-minute mesh series (and each service's CPU); from ``AT`` for six
    minutes, each edge of ``rise`` is that many seconds slower."""
    rng = np.random.default_rng(seed)
    lines = []
    for minute in range(70):
        ts = (START + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z")
        faulty = 60 <= minute < 66
        for (caller, callee), (base, noise) in EDGES.items():
            labels = {"source_workload": caller, "destination_workload": callee}
            value = base * (1 + rng.normal(0, noise)) + (rise.get((caller, callee), 0.0) * faulty)
            lines.append({"name": "istio_request_duration_seconds", "labels": labels,
                          "timestamp": ts, "value": value})  # fmt: skip
            lines.append({"name": "istio_requests", "labels": labels, "timestamp": ts,
                          "value": float(rng.poisson(120))})  # fmt: skip
        for service in ("gateway", "api", "auth", "db", "cache", "worker"):
            lines.append({"name": "cpu_usage_cores", "labels": {"service": service},
                          "timestamp": ts, "value": 0.5 + rng.normal(0, 0.02)})  # fmt: skip
    return "\n".join(json.dumps(line) for line in lines) + "\n"


def _rank(tmp_path: Path, data: str) -> list[dict]:
    path = tmp_path / "mesh.jsonl"
    path.write_text(data)
    assert run(tmp_path, "ingest", "metrics", str(path)).returncode == 0
    at = AT.isoformat().replace("+00:00", "Z")
    done = run(tmp_path, "rca", "--at", at, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["ranking"]


def test_a_slow_store_is_blamed_not_the_service_that_passes_it_on(tmp_path: Path) -> None:
    slow_db = {("api", "db"): 0.3, ("worker", "db"): 0.3, ("gateway", "api"): 0.3}
    ranking = _rank(tmp_path, _mesh(slow_db))
    order = [r["service"] for r in ranking]
    assert order[0] == "db", order
    assert set(order) == {"gateway", "api", "auth", "db", "cache", "worker"}
    top = ranking[0]["evidence"]["top_series"][0]
    assert top["series"] == "istio_request_duration_seconds" and top["edge_side"] == "in"
    assert top["labels"]["destination_workload"] == "db"
    api = ranking[order.index("api")]
    assert api["score"] < 0.5 * ranking[0]["score"]  # its callers' rise is the db's time


def test_a_caller_whose_calls_all_slowed_is_blamed_not_its_callees(tmp_path: Path) -> None:
    """The api's network is slow: its calls to both stores take 0.2 s longer and its callers
    see it, while the stores' other caller sees nothing."""
    slow_api = {("api", "db"): 0.2, ("api", "cache"): 0.2, ("gateway", "api"): 0.4}
    ranking = _rank(tmp_path, _mesh(slow_api))
    assert ranking[0]["service"] == "api", [r["service"] for r in ranking]
    scores = {r["service"]: r["score"] for r in ranking}
    assert scores["db"] < 0.5 * scores["api"] and scores["cache"] < 0.5 * scores["api"]


def test_calm_mesh_blames_no_edge(tmp_path: Path) -> None:
    ranking = _rank(tmp_path, _mesh({}))
    assert all(
        "edge_side" not in r["evidence"]["top_series"][0] or r["score"] < 1.0
        for r in ranking
        if r["evidence"]["top_series"]
    )
    assert max(r["evidence"]["abnormality"] for r in ranking) < 2.0


def test_the_api_gives_the_same_edge_ranking(db: Database, tmp_path: Path) -> None:
    data = _mesh({("api", "db"): 0.3, ("worker", "db"): 0.3, ("gateway", "api"): 0.3})
    cli_order = [r["service"] for r in _rank(tmp_path, data)]
    points = [json.loads(line) for line in data.splitlines()]
    for api in run_server(Config(), db):
        stored = api.client.post("/api/v1/metrics", json={"points": points})
        assert stored.status_code in (200, 201, 202), stored.text
        got = api.client.get("/api/v1/rca", params={"at": AT.isoformat()})
        assert got.status_code == 200, got.text
        assert [r["service"] for r in got.json()["ranking"]] == cli_order


def test_latency_series_are_told_from_counts() -> None:
    assert is_latency("istio_request_duration_milliseconds")
    assert is_latency("http_client_latency_p90_seconds")
    assert not is_latency("istio_requests_total")
    assert not is_latency("http_client_error_ratio")
