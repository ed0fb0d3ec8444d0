"""`efficiency incidents merge|split|silence|actions` and `ack --actor`, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from efficiency.cli import cli
from efficiency.store.db import Database
from tests.stages.test_incident_actions import two_incidents


def run(db_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db_path), *args])
    return result.exit_code, result.output


def test_merge_split_silence_and_actions(tmp_path: Path) -> None:
    path = tmp_path / "e.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    ledger, search = two_incidents(db)
    db.dispose()
    code, out = run(path, "incidents", "ack", str(ledger), "--actor", "alice")
    assert code == 0 and "acknowledged" in out
    code, out = run(path, "incidents", "merge", str(ledger), str(search), "--actor", "bob")
    assert code == 0 and f"incident {search} merged into {ledger}" in out
    code, out = run(path, "incidents", "show", str(ledger), "--json")
    fingerprints = json.loads(out)["alert_fingerprints"]
    code, out = run(path, "incidents", "split", str(ledger), "--alert", fingerprints[0],
                    "--actor", "bob")  # fmt: skip
    assert code == 0 and "split from" in out
    child = int(out.split()[1])
    code, out = run(path, "incidents", "silence", str(child), "--match", "service=search",
                    "--duration", "2h", "--actor", "carol")  # fmt: skip
    assert code == 0 and 'service="search"' in out
    code, out = run(path, "incidents", "actions", str(ledger), "--json")
    assert [(a["action"], a["actor"]) for a in json.loads(out)] == [
        ("acknowledge", "alice"), ("merge", "bob"), ("split", "bob"),
    ]  # fmt: skip


def test_bad_requests_exit_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "e.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    ledger, _search = two_incidents(db)
    db.dispose()
    code, out = run(path, "incidents", "split", str(ledger), "--alert", "nope", "--actor", "a")
    assert code == 2 and "fingerprints: nope not in incident" in out and "Traceback" not in out
    code, out = run(path, "incidents", "merge", str(ledger), "12345", "--actor", "a")
    assert code == 2 and "incident 12345 does not exist" in out
    code, out = run(path, "incidents", "silence", str(ledger), "--match", "service=ledger",
                    "--duration", "soon", "--actor", "a")  # fmt: skip
    assert code == 2 and "--duration" in out
    code, out = run(path, "incidents", "ack", str(ledger), "--actor", "")
    assert code == 2 and "actor" in out
