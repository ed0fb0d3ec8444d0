"""POST /api/v1/canary judges the ingested metric series too: failures name the metric."""

from __future__ import annotations

from typing import Any

from tests.ingest.conftest import ApiServer
from tests.ingest.test_api_canary import BODY, _post_windows
from tests.test_cli_canary import _windows
from tests.test_cli_canary_metrics import LATENCY, _series


def _unversioned(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """As Prometheus scrapes them: ``instance`` host:port and no version label, so the
    series follow the hosts the selectors picked through the profile windows."""
    out = []
    for p in points:
        labels = {k: v for k, v in p["labels"].items() if k not in ("version", "host")}
        out.append({**p, "labels": {**labels, "instance": f"{p['labels']['host']}:9100"}})
    return out


def _post_points(api: ApiServer, points: list[dict[str, Any]]) -> None:
    r = api.client.post("/api/v1/metrics", json={"points": points})
    assert r.status_code < 300, r.text


def test_slower_canary_latency_is_a_failure_with_its_metric(api: ApiServer) -> None:
    _post_windows(api, _windows("v1", 0.0, 8, 6000, 3) + _windows("v2", 0.0, 8, 6000, 4))
    _post_points(api, _unversioned(_series("v1", 8, 21) + _series("v2", 8, 22, p99=0.3)))
    created = api.client.post("/api/v1/canary", json=BODY)
    assert created.status_code == 201, created.text
    run = created.json()
    assert run["verdict"] == "fail"
    failures = run["result"]["failures"]
    assert [f["metric"] for f in failures] == [LATENCY]
    assert failures[0]["effect"] > 0.3 and failures[0]["p_value"] < 0.01
    checks = {c["kind"]: c for c in run["result"]["checks"]}
    assert checks["cpu_per_request"]["status"] == "ok"
    assert checks["latency"]["points"]["canary"] == 72  # 8 hosts x 9 points, by instance
    assert api.client.get(f"/api/v1/canary/{run['id']}").json() == run


def test_identical_series_pass_over_the_api(api: ApiServer) -> None:
    _post_windows(api, _windows("v1", 0.0, 8, 6000, 3) + _windows("v2", 0.0, 8, 6000, 4))
    _post_points(api, _unversioned(_series("v1", 8, 23) + _series("v2", 8, 24)))
    run = api.client.post("/api/v1/canary", json=BODY).json()
    assert run["verdict"] == "pass" and run["result"]["failures"] == []
    assert len(run["result"]["checks"]) == 3
