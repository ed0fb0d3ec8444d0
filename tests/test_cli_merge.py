"""`efficiency detect` merges two open incidents when a later alert shows they are one
cascade: the merge is in both incidents' audit trails, the alerts move, and on-call is left
with one page (the absorbed incident's page resolves; no second trigger). A real SQLite store,
the services file's call graph, and a real local receiver for the pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.servers import Receiver
from tests.test_cli import run

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def payload(tmp_path: Path, service: str, start: float) -> str:
    alerts = [
        {"status": "firing", "startsAt": (T0 + timedelta(seconds=start + 3 * k)).isoformat(),
         "labels": {"alertname": "Errors", "service": service, "pod": f"{service}-{k}",
                    "severity": "critical"}}
        for k in range(4)
    ]  # fmt: skip
    path = tmp_path / f"{service}.json"
    path.write_text(json.dumps({"version": "4", "status": "firing", "alerts": alerts}))
    return str(path)


def detect(tmp_path: Path, service: str, start: float) -> str:
    assert run(tmp_path, "ingest", "alerts", payload(tmp_path, service, start)).returncode == 0
    done = run(tmp_path, "detect")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_detect_merges_open_incidents_on_later_evidence_and_pages_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Receiver() as hook:
        services = tmp_path / "services.yaml"
        services.write_text(
            f"default_team: ops\nteams:\n  ops:\n    routes:\n"
            f"      - webhook: {{url: '{hook.url}/hook'}}\n"
            "services:\n  web: {dependencies: [api]}\n  api: {dependencies: [db]}\n  db: {}\n"
        )
        monkeypatch.setenv("EFFICIENCY_NOTIFY_SERVICES_FILE", str(services))
        # db fails; 90 s later web (which does not call db) fails: two incidents, two pages
        assert "1 opened" in detect(tmp_path, "db", 0)
        assert "1 opened" in detect(tmp_path, "web", 90)
        opened = json.loads(run(tmp_path, "incidents", "list", "--json").stdout)
        by_service = {i["services"][0]: i for i in opened}
        root, caller = by_service["db"], by_service["web"]
        # api's alerts arrive late: api calls db and took off 40 s after it, web calls api and
        # took off 50 s after that, so both incidents are one cascade from db
        out = detect(tmp_path, "api", 40)
        assert "1 merged into another" in out, out
        (survivor,) = json.loads(run(tmp_path, "incidents", "list", "--json").stdout)
        assert survivor["id"] == root["id"] and survivor["status"] == "open"
        assert sorted(survivor["services"]) == ["api", "db", "web"]
        assert len(survivor["alert_fingerprints"]) == 12
        assert survivor["root_causes"][0]["name"] == "db"
        absorbed = json.loads(
            run(tmp_path, "incidents", "show", str(caller["id"]), "--json").stdout
        )
        assert absorbed["status"] == "resolved" and absorbed["alert_fingerprints"] == []
        trail = json.loads(
            run(tmp_path, "incidents", "actions", str(caller["id"]), "--json").stdout
        )
        assert [(a["action"], a["actor"], a["detail"]["into"]) for a in trail] == [
            ("merged_into", "efficiency correlate", root["id"])
        ]
        trail = json.loads(run(tmp_path, "incidents", "actions", str(root["id"]), "--json").stdout)
        assert [(a["action"], a["detail"]["merged"], a["detail"]["alerts"]) for a in trail] == [
            ("merge", caller["id"], 4)
        ]
        pages = [(p["action"], p["dedup_key"]) for p in hook.bodies("/hook")]
        assert pages == [
            ("trigger", root["key"]), ("trigger", caller["key"]), ("resolve", caller["key"]),
        ]  # fmt: skip
        # nothing more to do: a second pass merges and pages nothing
        again = json.loads(run(tmp_path, "detect", "--json").stdout)
        assert again["incidents"]["merged_incident_ids"] == [] and again["pages"]["sent"] == 0
