"""Pulled alerts: against a real Prometheus and a real Alertmanager (Debian's ``prometheus``
and ``prometheus-alertmanager``) on loopback, checked against real webhook bodies, and a
small HTTP server where an answer must change between pulls.

Without the binaries the real-server tests skip, and with CI=true they fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from collectors.alerts import (
    GO_ZERO_TIME,
    AlertmanagerAlertsCollector,
    PrometheusAlertsCollector,
    fingerprint,
    webhook_payloads,
)
from collectors.errors import CollectorError
from efficiency.ingest.alerts import AlertmanagerWebhook
from tests.servers import (
    CannedServer,
    free_port,
    json_reply,
    poll,
    require_binary,
    running_prometheus,
    serving,
)


def _valid(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for payload in payloads:
        AlertmanagerWebhook.model_validate(payload)
        json.dumps(payload)  # JSON-ready as it is
    return payloads


def _alerts(payloads: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["labels"]["alertname"]: a for p in payloads for a in p["alerts"]}


# --- Alertmanager's own definitions, from real webhook bodies -----------------------------------


def test_fingerprint_is_alertmanagers(datasets: Path) -> None:
    seen = 0
    for path in sorted((datasets / "alertmanager").glob("*.json")):
        for alert in json.loads(path.read_text())["alerts"]:
            assert fingerprint(alert["labels"]) == alert["fingerprint"], path.name
            seen += 1
    assert seen == 3


def test_payload_is_shaped_like_a_real_webhook(datasets: Path) -> None:
    real = json.loads((datasets / "alertmanager" / "webhook_firing.json").read_text())
    (payload,) = webhook_payloads(
        real["alerts"], real["receiver"], real["externalURL"], group_by=("alertname", "service")
    )
    assert payload == real


def test_groups_and_common_labels() -> None:
    def alert(name: str, instance: str) -> dict[str, Any]:
        labels = {"alertname": name, "instance": instance, "severity": "warning"}
        return {
            "status": "firing",
            "labels": labels,
            "annotations": {"summary": f"{name} on {instance}"},
            "startsAt": "2026-01-01T00:00:00Z",
            "endsAt": GO_ZERO_TIME,
            "generatorURL": "",
            "fingerprint": fingerprint(labels),
        }

    payloads = _valid(
        webhook_payloads([alert("A", "h1"), alert("A", "h2"), alert("B", "h1")], "r", "http://x")
    )
    assert [p["groupKey"] for p in payloads] == ['{}:{alertname="A"}', '{}:{alertname="B"}']
    assert payloads[0]["commonLabels"] == {"alertname": "A", "severity": "warning"}
    assert payloads[0]["commonAnnotations"] == {}
    assert len(payloads[0]["alerts"]) == 2


# --- a real Prometheus --------------------------------------------------------------------------

ALERT_RULES = """\
groups:
  - name: efficiency-e2e
    interval: 1s
    rules:
      - alert: CheckoutLatencyHigh
        expr: vector(1)
        labels: {severity: critical, service: checkout}
        annotations: {summary: "p99 latency above 2 s"}
      - alert: NodeCPUBusy
        expr: label_replace(vector(0.97), "instance", "10.0.0.7:9100", "", "")
        labels: {severity: warning, service: node}
        annotations: {summary: "CPU busy {{ $value }}"}
      - alert: DiskWillFill
        expr: vector(1)
        for: 1h
        labels: {severity: warning}
"""


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_prometheus(tmp_path_factory.mktemp("prometheus"), ALERT_RULES) as url:
        yield url


@contextmanager
def running_alertmanager(workdir: Path) -> Iterator[str]:
    """A real Alertmanager on a free loopback port, clustering off; yields its base URL."""
    binary = require_binary("prometheus-alertmanager", "prometheus-alertmanager")
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "alertmanager.yml"
    config.write_text("route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n")
    command = [
        binary,
        f"--config.file={config}",
        f"--storage.path={workdir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    with serving(command, port, workdir / "alertmanager.log") as url:
        yield url


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[str]:
    """One per test (it starts in ~0.1 s), so alerts posted by one test are not another's."""
    with running_alertmanager(tmp_path / "alertmanager") as url:
        yield url


def test_firing_prometheus_alerts_as_webhooks(prometheus: str, alertmanager: str) -> None:
    with PrometheusAlertsCollector(prometheus, external_labels={"cluster": "eu1"}) as collector:

        def both_firing() -> list[dict[str, Any]]:
            payloads = collector.fetch()
            return payloads if len(_alerts(payloads)) >= 2 else []

        payloads = _valid(poll(both_firing))  # rules are evaluated every second
    alerts = _alerts(payloads)
    assert set(alerts) == {"CheckoutLatencyHigh", "NodeCPUBusy"}  # DiskWillFill is pending
    cpu = alerts["NodeCPUBusy"]
    assert cpu["labels"] == {
        "alertname": "NodeCPUBusy",
        "instance": "10.0.0.7:9100",
        "severity": "warning",
        "service": "node",
        "cluster": "eu1",
    }
    assert cpu["annotations"] == {"summary": "CPU busy 0.97"}
    assert cpu["status"] == "firing" and cpu["endsAt"] == GO_ZERO_TIME
    assert {p["groupKey"] for p in payloads} == {
        '{}:{alertname="CheckoutLatencyHigh"}',
        '{}:{alertname="NodeCPUBusy"}',
    }
    assert all(p["externalURL"] == prometheus and p["status"] == "firing" for p in payloads)

    # the real Alertmanager, given the same labels, computes the same fingerprints
    posted = [{"labels": a["labels"], "annotations": a["annotations"]} for a in alerts.values()]
    httpx.post(f"{alertmanager}/api/v2/alerts", json=posted, timeout=5).raise_for_status()
    theirs = {
        a["labels"]["alertname"]: a["fingerprint"]
        for a in httpx.get(f"{alertmanager}/api/v2/alerts", timeout=5).json()
    }
    for name, alert in alerts.items():
        assert theirs[name] == alert["fingerprint"], name


# --- a real Alertmanager ------------------------------------------------------------------------


def test_alertmanager_alerts_silences_and_resolution(alertmanager: str) -> None:
    now = datetime.now(UTC)
    api = f"{alertmanager}/api/v2"
    checkout = {"alertname": "AmCheckoutDown", "service": "checkout", "severity": "critical"}
    noisy = {"alertname": "AmNoisy", "service": "batch", "severity": "info"}
    httpx.post(
        f"{api}/alerts",
        json=[
            {
                "labels": checkout,
                "annotations": {"summary": "checkout is down"},
                "generatorURL": "http://prom.example/graph?g0.expr=up",
            },
            {"labels": noisy},
        ],
        timeout=5,
    ).raise_for_status()
    silence = httpx.post(
        f"{api}/silences",
        json={
            "matchers": [{"name": "alertname", "value": "AmNoisy", "isRegex": False}],
            "startsAt": (now - timedelta(minutes=1)).isoformat(),
            "endsAt": (now + timedelta(hours=1)).isoformat(),
            "createdBy": "tests",
            "comment": "known noise",
        },
        timeout=5,
    )
    silence.raise_for_status()
    silence_id = silence.json()["silenceID"]

    default = AlertmanagerAlertsCollector(alertmanager)
    everything = AlertmanagerAlertsCollector(alertmanager, include_suppressed=True)
    alerts = _alerts(_valid(default.fetch()))
    assert set(alerts) == {"AmCheckoutDown"}
    down = alerts["AmCheckoutDown"]
    assert down["fingerprint"] == fingerprint(checkout) and down["endsAt"] == GO_ZERO_TIME
    assert down["generatorURL"] == "http://prom.example/graph?g0.expr=up"
    assert down["labels"] == checkout and down["status"] == "firing"

    kept = _alerts(_valid(everything.fetch()))
    assert kept["AmNoisy"]["annotations"] == {
        "alertmanager_state": "suppressed",
        "silenced_by": silence_id,
        "inhibited_by": "",
    }

    # the alert ends: Alertmanager drops it from its list, the collector says it resolved
    started = datetime.fromisoformat(down["startsAt"].replace("Z", "+00:00"))
    ended = (started + timedelta(milliseconds=1)).isoformat()  # already past
    httpx.post(
        f"{api}/alerts",
        json=[{"labels": checkout, "startsAt": down["startsAt"], "endsAt": ended}],
        timeout=5,
    ).raise_for_status()
    later = datetime(2030, 1, 1, tzinfo=UTC)
    resolved = _alerts(_valid(default.fetch(now=later)))["AmCheckoutDown"]
    assert resolved["status"] == "resolved" and resolved["endsAt"] == "2030-01-01T00:00:00.000Z"
    assert resolved["fingerprint"] == down["fingerprint"]
    assert resolved["startsAt"] == down["startsAt"]
    assert "AmCheckoutDown" not in _alerts(default.fetch(now=later))  # said once
    default.close()
    everything.close()


# --- answers that must change between pulls -----------------------------------------------------


def _prom_alerts(*alerts: dict[str, Any]) -> tuple[int, str, str]:
    return json_reply({"status": "success", "data": {"alerts": list(alerts)}})


def test_prometheus_alert_that_stops_firing_is_resolved_once() -> None:
    firing = {
        "labels": {"alertname": "HighErrorRate", "service": "api"},
        "annotations": {},
        "state": "firing",
        "activeAt": "2026-03-01T10:00:00.123456789Z",
        "value": "1.5e+01",
    }
    pending = {**firing, "labels": {"alertname": "Slow"}, "state": "pending"}
    replies = {"/api/v1/alerts": _prom_alerts(firing, pending)}
    t1 = datetime(2026, 3, 1, 10, 5, tzinfo=UTC)
    with CannedServer(replies) as server, PrometheusAlertsCollector(server.url) as collector:
        (first,) = _valid(collector.fetch(now=t1))
        assert first["alerts"][0]["startsAt"] == "2026-03-01T10:00:00.123456789Z"
        replies["/api/v1/alerts"] = _prom_alerts(pending)
        (gone,) = _valid(collector.fetch(now=t1 + timedelta(minutes=1)))
        assert collector.fetch(now=t1 + timedelta(minutes=2)) == []
    assert gone["status"] == "resolved"
    (alert,) = gone["alerts"]
    assert alert["status"] == "resolved" and alert["endsAt"] == "2026-03-01T10:06:00.000Z"
    assert alert["fingerprint"] == first["alerts"][0]["fingerprint"]


def test_error_answers_are_one_clear_line() -> None:
    replies = {
        "/api/v1/alerts": json_reply(
            {"status": "error", "errorType": "unavailable", "error": "rule manager not ready"}, 503
        ),
        "/api/v2/alerts": (200, "text/html", "<html>login</html>"),
    }
    with CannedServer(replies) as server:
        with pytest.raises(
            CollectorError, match=r"\(/api/v1/alerts\) answered HTTP 503: rule manager"
        ):
            PrometheusAlertsCollector(server.url).fetch()
        with pytest.raises(CollectorError, match=r"\(/api/v2/alerts\) answered HTTP 200, not JSON"):
            AlertmanagerAlertsCollector(server.url).fetch()
    port = free_port()
    with pytest.raises(CollectorError) as err:
        AlertmanagerAlertsCollector(f"http://127.0.0.1:{port}").fetch()
    assert str(err.value) == (
        f"Alertmanager at http://127.0.0.1:{port} (/api/v2/alerts): cannot connect: "
        "connection refused"
    )
