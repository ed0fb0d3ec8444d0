"""Hand-made bad bodies against a real server on loopback: each is a 422 in the documented
shape naming the field, never a 500, and nothing is written. An unexpected error is a clean
500 that keeps the kept-alive connection usable."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from sqlalchemy import func, select

from efficiency.config import Config
from efficiency.ingest.api import create_app
from efficiency.store.db import Database
from efficiency.store.events import Alert
from efficiency.store.metrics import MetricPoint
from efficiency.store.profiles import ProfileWindow
from tests.ingest.conftest import ApiServer


def alert_at(starts: Any) -> dict[str, Any]:
    alert = {"status": "firing", "labels": {"alertname": "A"}, "startsAt": starts}
    return {"status": "firing", "alerts": [alert]}


def window(data: str) -> dict[str, Any]:
    return {"windows": [{"service": "s", "start": "2026-01-01T00:00:00Z",
                         "end": "2026-01-01T00:01:00Z", "data": data}]}  # fmt: skip


def point_at(timestamp: Any) -> dict[str, Any]:
    return {"points": [{"name": "m", "timestamp": timestamp, "value": 1}]}


BAD_JSON = [
    ("/api/v1/alerts/alertmanager", alert_at("0001-01-01T00:00:00+05:00"), "alerts.0.startsAt"),
    ("/api/v1/alerts/alertmanager", alert_at("9999-12-31T23:59:59-05:00"), "alerts.0.startsAt"),
    ("/api/v1/alerts/alertmanager", alert_at(1e11), "alerts.0.startsAt"),
    ("/api/v1/alerts/alertmanager", alert_at("1700000000000"), "alerts.0.startsAt"),
    ("/api/v1/alerts/alertmanager", alert_at(True), "alerts.0.startsAt"),
    ("/api/v1/metrics", point_at(1e11), "points.0.timestamp"),
    ("/api/v1/metrics", point_at(-1), "points.0.timestamp"),
    ("/api/v1/metrics", point_at("2100-01-01T00:00:00Z"), "points.0.timestamp"),
    ("/api/v1/profiles", window(f"main {2**63}\n"), "windows.0.line 1"),
    ("/api/v1/profiles", window(";;; 5\n"), "windows.0.line 1"),
    ("/api/v1/profiles", window("main;;;work 2\n"), "windows.0.line 1"),
    ("/api/v1/profiles", window("main;work; 2\n"), "windows.0.line 1"),
    ("/api/v1/profiles", window("main 0\n"), "windows.0.data"),
    ("/api/v1/profiles", window(""), "windows.0.data"),
    ("/api/v1/profiles", {"windows": [{"labels": {"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
        ]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}]}, "nested deeper than 32"),
]  # fmt: skip


def stored(api: ApiServer) -> tuple[int, int, int]:
    with api.db.session() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(t)) for t in (Alert, MetricPoint,
                                                                   ProfileWindow)
        )  # fmt: skip


def test_bad_values_are_422_naming_the_field(api: ApiServer) -> None:
    for path, body, field in BAD_JSON:
        response = api.client.post(path, json=body)
        assert response.status_code == 422, (body, response.text)
        answer = response.json()
        assert field in answer["error"], answer
        assert isinstance(answer["detail"], list) and answer["detail"]
    assert stored(api) == (0, 0, 0)


UNPARSABLE = [
    (b'{"points": [{"name": "\xff\xfe", "timestamp": 1, "value": 1}]}', "not valid UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
    (b'{"points": [', "not valid JSON"),
]


def test_an_idle_window_with_its_rate_is_data(api: ApiServer) -> None:
    """No sample but a sampling rate: the process was sampled and idle (perf sends these)."""
    body = window("")
    body["windows"][0]["rate_hz"] = 99
    response = api.client.post("/api/v1/profiles", json=body)
    assert response.status_code == 200 and response.json()["windows_stored"] == 1


def test_unparsable_bodies_are_422_not_400(api: ApiServer) -> None:
    for raw, error in UNPARSABLE:
        response = api.client.post(
            "/api/v1/metrics", content=raw, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"].startswith(f"body: {error}")
        assert response.json()["detail"][0]["loc"][0] == "body"


def test_ids_out_of_the_64_bit_range_are_422(api: ApiServer) -> None:
    for number in (2**63, 10**20, 0, -1):
        for method, path in (("GET", "/api/v1/incidents/{}"), ("POST", "/api/v1/incidents/{}/ack")):
            response = api.client.request(method, path.format(number))
            assert response.status_code == 422, response.text
            assert response.json()["error"].startswith("path.incident_id: ")


def test_silence_ids_out_of_range_and_missing_ones(api: ApiServer) -> None:
    assert api.client.delete(f"/api/v1/silences/{2**63}").status_code == 422
    missing = api.client.delete(f"/api/v1/silences/{2**63 - 1}")
    assert missing.status_code == 404 and "does not exist" in missing.json()["error"]
    assert api.client.get(f"/api/v1/incidents/{2**63 - 1}").status_code == 404


def test_openapi_lists_the_error_answers(api: ApiServer) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    assert {"401", "413", "422", "500", "503"} <= set(
        paths["/api/v1/profiles"]["post"]["responses"]
    )
    assert {"404", "422"} <= set(paths["/api/v1/incidents/{incident_id}"]["get"]["responses"])
    assert "409" in paths["/api/v1/incidents/{incident_id}/resolve"]["post"]["responses"]
    listing = paths["/api/v1/incidents"]["get"]
    assert {"limit", "cursor", "status"} <= {p["name"] for p in listing["parameters"]}
    assert "X-Next-Cursor" in listing["responses"]["200"]["headers"]


@pytest.fixture
def crashing_api(sqlite_db: Database) -> Iterator[tuple[str, int]]:
    """A server whose acknowledge hook has a bug: an unexpected exception."""

    def broken(_incident_id: int, _status: str) -> dict[str, Any]:
        raise RuntimeError("a bug")

    app = create_app(Config(), sqlite_db, set_status=broken)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield "127.0.0.1", server.servers[0].sockets[0].getsockname()[1]
    server.should_exit = True
    thread.join(timeout=10)


def test_an_unexpected_error_is_a_logged_500_and_the_connection_stays_open(
    crashing_api: tuple[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    conn = http.client.HTTPConnection(*crashing_api, timeout=10)
    conn.request("POST", "/api/v1/incidents/1/ack")
    first = conn.getresponse()
    body = json.loads(first.read())
    assert first.status == 500 and body["error"] == "internal error: RuntimeError"
    assert first.getheader("connection") != "close"
    local = conn.sock.getsockname()
    conn.request("GET", "/healthz")  # the same kept-alive connection
    second = conn.getresponse()
    assert second.status == 200 and json.loads(second.read())["status"] == "ok"
    assert conn.sock.getsockname() == local
    conn.close()
    assert any("unexpected error" in r.getMessage() and r.exc_info for r in caplog.records)
