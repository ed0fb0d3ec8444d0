"""The HTTP API against a real server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from efficiency.store.events import Alert, AlertEvent, ChangeEvent
from efficiency.store.incidents import Incident
from efficiency.store.metrics import MetricPoint
from efficiency.store.profiles import ProfileWindow
from tests.ingest.conftest import ApiServer

FOLDED = "main (app.py:1);work (app.py:5);spin (app.py:9) 70\nmain (app.py:1);work (app.py:6) 30\n"


def count(api: ApiServer, model: Any) -> int:
    with api.db.session() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def webhook(datasets: Path, name: str) -> dict[str, Any]:
    return json.loads((datasets / "alertmanager" / name).read_text())


def post_alert(api: ApiServer, datasets: Path, name: str) -> None:
    response = api.client.post("/api/v1/alerts/alertmanager", json=webhook(datasets, name))
    assert response.status_code == 200, response.text


def test_alertmanager_payload_twice_stores_one_alert(api: ApiServer, datasets: Path) -> None:
    """A real Alertmanager 0.25 body posted twice is one alert with one firing event."""
    body = webhook(datasets, "webhook_firing.json")
    first = api.client.post("/api/v1/alerts/alertmanager", json=body)
    second = api.client.post("/api/v1/alerts/alertmanager", json=body)
    assert first.status_code == 200 and second.status_code == 200
    assert first.json()["alerts_new"] == 1
    assert second.json() == {"alerts_new": 0, "alerts_updated": 0, "events_new": 0,
                             "duplicates": 1}  # fmt: skip
    assert count(api, Alert) == 1
    assert count(api, AlertEvent) == 1


def test_resolved_notification_resolves_the_same_alert(api: ApiServer, datasets: Path) -> None:
    api.client.post("/api/v1/alerts/alertmanager", json=webhook(datasets, "webhook_firing.json"))
    post_alert(api, datasets, "webhook_resolved.json")
    # a late re-send of the firing notification must not reopen it
    api.client.post("/api/v1/alerts/alertmanager", json=webhook(datasets, "webhook_firing.json"))
    with api.db.session() as s:
        alert = s.execute(select(Alert)).scalar_one()
        assert alert.status == "resolved"
        assert alert.ends_at is not None and alert.ends_at.isoformat().startswith(
            "2026-11-22T02:13:55"
        )
        assert alert.service == "checkout" and alert.severity == "critical"
    assert count(api, AlertEvent) == 2


def test_missing_alerts_field_is_422_naming_it_and_stores_nothing(
    api: ApiServer, datasets: Path
) -> None:
    body = webhook(datasets, "webhook_firing.json")
    del body["alerts"]
    response = api.client.post("/api/v1/alerts/alertmanager", json=body)
    assert response.status_code == 422
    assert "alerts" in response.json()["error"]
    assert any(d["loc"][-1] == "alerts" for d in response.json()["detail"])
    assert count(api, Alert) == 0 and count(api, AlertEvent) == 0


def test_one_bad_alert_rejects_the_whole_payload(api: ApiServer, datasets: Path) -> None:
    body = webhook(datasets, "webhook_firing.json")
    good = body["alerts"][0]
    bad = {**good, "fingerprint": "ffff", "status": "exploded"}
    body["alerts"] = [good, bad]
    response = api.client.post("/api/v1/alerts/alertmanager", json=body)
    assert response.status_code == 422
    assert response.json()["error"].startswith("alerts.1.status")
    assert count(api, Alert) == 0


def test_profiles_batch_is_idempotent_by_window_and_batch_id(api: ApiServer) -> None:
    window = {
        "service": "checkout", "host": "web-1", "process": "42",
        "start": "2026-11-22T10:00:00Z", "end": "2026-11-22T10:01:00Z",
        "format": "folded", "data": FOLDED, "rate_hz": 100,
    }  # fmt: skip
    r1 = api.client.post("/api/v1/profiles", json={"windows": [window]})
    assert r1.status_code == 200, r1.text
    assert r1.json()["windows_stored"] == 1 and r1.json()["samples"] == 100
    r2 = api.client.post("/api/v1/profiles", json={"windows": [window]})
    assert r2.json()["windows_stored"] == 0 and r2.json()["windows_skipped"] == 1
    other = {**window, "start": "2026-11-22T10:01:00Z", "end": "2026-11-22T10:02:00Z"}
    r3 = api.client.post("/api/v1/profiles", json={"batch_id": "b-1", "windows": [other]})
    r4 = api.client.post("/api/v1/profiles", json={"batch_id": "b-1", "windows": [other]})
    assert r3.json()["windows_stored"] == 1 and r4.json()["windows_stored"] == 0
    assert count(api, ProfileWindow) == 2


def test_pprof_window_over_the_api(api: ApiServer) -> None:
    data = (Path(__file__).parents[1] / "data" / "go_cpu.pb.gz").read_bytes()
    window = {
        "service": "go-svc", "start": "2026-11-22T10:00:00Z", "end": "2026-11-22T10:00:03Z",
        "format": "pprof", "data": base64.b64encode(data).decode(),
    }  # fmt: skip
    response = api.client.post("/api/v1/profiles", json={"windows": [window]})
    assert response.status_code == 200, response.text
    assert response.json()["samples"] == 321


def test_bad_profile_data_is_422_naming_window_and_line(api: ApiServer) -> None:
    window = {
        "service": "s", "start": "2026-11-22T10:00:00Z", "end": "2026-11-22T10:01:00Z",
        "data": "a;b 3\nc;d many\n",
    }  # fmt: skip
    good = {**window, "data": "a;b 3\n", "process": "other"}
    response = api.client.post("/api/v1/profiles", json={"windows": [good, window]})
    assert response.status_code == 422
    assert response.json()["error"].startswith("windows.1.line 2")
    assert count(api, ProfileWindow) == 0


def test_window_ending_before_it_starts_is_rejected(api: ApiServer) -> None:
    window = {
        "service": "s", "start": "2026-11-22T10:01:00Z", "end": "2026-11-22T10:00:00Z",
        "data": "a;b 3\n",
    }  # fmt: skip
    response = api.client.post("/api/v1/profiles", json={"windows": [window]})
    assert response.status_code == 422 and "end is before start" in response.text


def test_metrics_and_changes_are_idempotent(api: ApiServer) -> None:
    points = {
        "points": [
            {"name": "cpu", "labels": {"host": "h1"}, "timestamp": "2026-11-22T10:00:00Z",
             "value": 0.5},
            {"name": "cpu", "labels": {"host": "h1"}, "timestamp": 1795341660, "value": 0.7},
        ]
    }  # fmt: skip
    assert api.client.post("/api/v1/metrics", json=points).json()["stored"] == 2
    assert api.client.post("/api/v1/metrics", json=points).json()["stored"] == 0
    assert count(api, MetricPoint) == 2
    change = {"service": "checkout", "at": "2026-11-22T09:59:00Z", "version": "v2",
              "commit": "abc123"}  # fmt: skip
    assert api.client.post("/api/v1/changes", json={"changes": [change]}).json()["stored"] == 1
    assert api.client.post("/api/v1/changes", json={"changes": [change]}).json()["stored"] == 0
    assert count(api, ChangeEvent) == 1
    bad = api.client.post("/api/v1/metrics", json={"points": [{"name": "cpu", "value": 1}]})
    assert bad.status_code == 422 and bad.json()["error"] == "points.0.timestamp: Field required"


def test_incident_endpoints(api: ApiServer) -> None:
    from datetime import UTC, datetime

    assert api.client.get("/api/v1/incidents").json() == []
    assert api.client.get("/api/v1/incidents/999").status_code == 404
    now = datetime(2026, 11, 22, 10, tzinfo=UTC)
    with api.db.session() as s:
        inc = Incident(key="k1", title="checkout errors", services=["checkout"],
                       opened_at=now, updated_at=now, severity="critical")  # fmt: skip
        s.add(inc)
        s.flush()
        incident_id = inc.id
    listed = api.client.get("/api/v1/incidents").json()
    assert [i["id"] for i in listed] == [incident_id]
    fields = {
        "id",
        "status",
        "severity",
        "title",
        "services",
        "opened_at",
        "resolved_at",
        "alert_fingerprints",
        "detection_ids",
        "root_causes",
        "suspected_changes",
    }
    assert fields <= set(listed[0])
    assert (
        api.client.post(f"/api/v1/incidents/{incident_id}/ack").json()["status"] == "acknowledged"
    )
    assert (
        api.client.post(f"/api/v1/incidents/{incident_id}/resolve").json()["status"] == "resolved"
    )
    assert api.client.post(f"/api/v1/incidents/{incident_id}/ack").status_code == 409
    assert (
        api.client.get("/api/v1/incidents", params={"status": "resolved"}).json()[0]["id"]
        == incident_id
    )


def test_healthz_metrics_and_openapi(api: ApiServer, datasets: Path) -> None:
    assert api.client.get("/healthz").json()["status"] == "ok"
    api.client.post("/api/v1/alerts/alertmanager", json=webhook(datasets, "webhook_firing.json"))
    text = api.client.get("/metrics").text
    assert 'efficiency_ingest_records_total{kind="alert",outcome="stored"} 1.0' in text
    assert "efficiency_http_requests_total" in text
    spec = api.client.get("/openapi.json").json()
    assert "/api/v1/alerts/alertmanager" in spec["paths"]
    assert api.client.get("/docs").status_code == 200


def test_token_is_required_when_configured(api_with_token: ApiServer) -> None:
    c = api_with_token.client
    assert c.get("/api/v1/incidents").status_code == 401
    assert c.get("/api/v1/incidents", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = c.get("/api/v1/incidents", headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200
    assert c.get("/healthz").status_code == 200


def test_body_over_the_limit_is_413(api_with_token: ApiServer) -> None:
    headers = {"Authorization": "Bearer s3cret-token"}
    big = {"points": [{"name": "x" * 100, "timestamp": 0, "value": 1}] * 100}
    response = api_with_token.client.post("/api/v1/metrics", json=big, headers=headers)
    assert response.status_code == 413

    def chunks():  # no Content-Length: the limit still holds
        yield b'{"points": ['
        for _ in range(100):
            yield b'{"name": "' + b"x" * 50 + b'", "timestamp": 0, "value": 1},'
        yield b"]}"

    response = api_with_token.client.post("/api/v1/metrics", content=chunks(), headers=headers)
    assert response.status_code == 413


def test_unstorable_text_is_a_422_naming_the_field(api: ApiServer) -> None:
    """NUL characters (PostgreSQL refuses them) and lone surrogates never reach the store."""
    window = {"service": "s", "start": "2026-11-22T10:00:00Z", "end": "2026-11-22T10:01:00Z",
              "data": "a;b\x00c 3\n"}  # fmt: skip
    response = api.client.post("/api/v1/profiles", json={"windows": [window]})
    assert response.status_code == 422 and "windows.0.data" in response.json()["error"]
    body = b'{"changes": [{"service": "\\ud800", "at": "2026-11-22T10:00:00Z"}]}'
    response = api.client.post(
        "/api/v1/changes", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and "changes.0.service" in response.json()["error"]
    assert count(api, ProfileWindow) == 0 and count(api, ChangeEvent) == 0
