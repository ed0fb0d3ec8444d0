"""`efficiency detect` and `detections list` end to end, on windows and deploys imported
through the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
                                 "end": iso(start + timedelta(seconds=60)), "rate_hz": 100,
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
    ]
    bad = run(tmp_path, "detect", "--bucket", "0")
    assert bad.returncode == 2 and "--bucket" in bad.stderr and "Traceback" not in bad.stderr
