"""`efficiency detect` and `detections list` end to end, on windows and deploys imported
through the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.servers import Receiver
from tests.test_cli import run

T0 = datetime(2026, 11, 22, tzinfo=UTC)


def iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def test_detect_finds_the_regression_once_and_blames_the_deploy(tmp_path: Path) -> None:
    lines = []
    for b in range(24):
        start = T0 + timedelta(minutes=10 * b)
        parse = 300 if b < 12 else 480
        data = (
            f"main (app.py:1);parse (app.py:9) {parse}\n"
            f"main (app.py:1);render (app.py:20) 900\n"
            "main (app.py:1);log (app.py:30) 1500\n"
        )
        lines.append(json.dumps({"service": "api", "host": "h1", "start": iso(start),
                                 "end": iso(start + timedelta(seconds=60)), "rate_hz": 1,
                                 "format": "folded", "data": data}))  # fmt: skip
    batch = tmp_path / "windows.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    assert run(tmp_path, "ingest", "profile", str(batch), "--format", "jsonl").returncode == 0
    changes = tmp_path / "changes.jsonl"
    deploy = iso(T0 + timedelta(minutes=123))
    changes.write_text(json.dumps({"service": "api", "at": deploy, "version": "2.0"}) + "\n")
    assert run(tmp_path, "ingest", "changes", str(changes)).returncode == 0

    first = run(tmp_path, "detect")
    assert first.returncode == 0, first.stderr
    assert "1 new detection(s), 0 already known" in first.stdout
    again = json.loads(run(tmp_path, "detect", "--json").stdout)
    assert again["functions"]["new_detection_ids"] == []
    assert again["functions"]["already_known"] == 1
    assert again["metrics"]["end"] is None  # no metric points stored
    assert again["gpu_kernels"]["end"] is None  # no traces either

    (det,) = json.loads(run(tmp_path, "detections", "list", "--json").stdout)
    assert {k: det[k] for k in ("kind", "service", "function", "detector")} == {
        "kind": "regression",
        "service": "api",
        "function": "parse (app.py)",
        "detector": "share-regression",
    }
    assert det["onset_at"] == iso(T0 + timedelta(minutes=120))
    assert det["suspected_change_id"] is not None and det["magnitude_cores"] > 0
    table = run(tmp_path, "detections", "list")
    assert "parse" in table.stdout and "+50.0" in table.stdout
    assert "2026-11-22 02:00" in table.stdout
    anomalies = run(tmp_path, "detections", "list", "--kind", "anomaly", "--json")
    assert json.loads(anomalies.stdout) == []


def test_detect_on_an_empty_store_and_bad_options(tmp_path: Path) -> None:
    assert run(tmp_path, "detect").stdout.splitlines() == [
        "profiles: no profile data yet",
        "metrics: no metric data yet",
        "incidents: 0 opened, 0 updated, 0 resolved; pages: 0 sent, 0 to retry, 0 failed",
    ]
    bad = run(tmp_path, "detect", "--bucket", "0")
    assert bad.returncode == 2 and "--bucket" in bad.stderr and "Traceback" not in bad.stderr


def test_detect_correlates_alerts_pages_once_and_ack_pages_the_acknowledge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alerts = [
        {"status": "firing", "startsAt": iso(T0 + timedelta(seconds=s)),
         "labels": {"alertname": name, "service": "ledger", "severity": "critical"}}
        for s, name in ((0, "LedgerDown"), (20, "LedgerErrors"))
    ]  # fmt: skip
    payload = tmp_path / "alerts.json"
    payload.write_text(json.dumps({"version": "4", "status": "firing", "alerts": alerts}))
    with Receiver() as hook:
        services = tmp_path / "services.yaml"
        services.write_text(
            f"default_team: ops\nteams:\n  ops:\n    routes:\n"
            f"      - webhook: {{url: '{hook.url}/hook'}}\n"
        )
        monkeypatch.setenv("EFFICIENCY_NOTIFY_SERVICES_FILE", str(services))
        assert run(tmp_path, "ingest", "alerts", str(payload)).returncode == 0
        first = run(tmp_path, "detect")
        assert first.returncode == 0, first.stderr
        assert "incidents: 1 opened, 0 updated, 0 resolved; pages: 1 sent" in first.stdout
        again = json.loads(run(tmp_path, "detect", "--json").stdout)
        assert again["incidents"]["opened_incident_ids"] == [] and again["pages"]["sent"] == 0
        (inc,) = json.loads(run(tmp_path, "incidents", "list", "--json").stdout)
        assert inc["services"] == ["ledger"] and len(inc["alert_fingerprints"]) == 2
        ack = run(tmp_path, "incidents", "ack", str(inc["id"]))
        assert ack.stdout.strip() == f"incident {inc['id']} is acknowledged"
        assert "pages: 1 sent" in run(tmp_path, "detect").stdout
        pages = hook.bodies("/hook")
        assert [(p["action"], p["dedup_key"]) for p in pages] == [
            ("trigger", inc["key"]), ("acknowledge", inc["key"]),
        ]  # fmt: skip

        services.write_text("teams: {ops: {routes: [{pager: {}}]}}\n")
        bad = run(tmp_path, "detect")
        assert bad.returncode == 2 and str(services) in bad.stderr
        assert "Traceback" not in bad.stderr
