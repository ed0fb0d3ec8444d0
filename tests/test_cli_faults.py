"""The command line on the inputs that once crashed the API and the CLI: each is exit 2 with
one line naming the file and field, never a traceback, and nothing is written. Run in
process through the real ``efficiency`` group (CliRunner) to keep the suite fast; one
subprocess run checks the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from efficiency.cli import cli
from efficiency.store.db import Database
from efficiency.store.events import Alert

ALERT = {"status": "firing", "labels": {"alertname": "A", "service": "s"}}


def _alerts(starts: object) -> str:
    return json.dumps({"status": "firing", "alerts": [{**ALERT, "startsAt": starts}]})


CASES = [
    ("ingest alerts", "a.json", _alerts("0001-01-01T00:00:00+05:00"), "alerts.0.startsAt"),
    ("ingest alerts", "a.json", _alerts("9999-12-31T23:59:59-05:00"), "alerts.0.startsAt"),
    ("ingest alerts", "a.json", _alerts(1e11), "milliseconds?"),
    ("ingest alerts", "a.json", "[" * 50_000 + "]" * 50_000, "nested too deeply"),
    ("ingest profile --service s", "p.txt", f"main {2**63}\n", "line 1"),
    ("ingest profile --service s", "p.txt", ";;; 5\n", "empty frame name"),
    ("ingest profile --service s", "p.txt", "main;;;work 2\n", "empty frame name"),
    ("ingest profile --service s", "p.txt", "main 0\n", "holds no samples"),
    ("ingest profile --service s", "p.txt", "", "the file is empty"),
    ("ingest profile --service s --start 1e11", "p.txt", "main 1\n", "--start"),
    ("ingest metrics", "m.csv", "timestamp,name,value\n1e11,m,1\n", "line 2: timestamp"),
    ("ingest metrics", "m.jsonl", '{"name": "m", "timestamp": "9999-12-31T23:59:59-05:00", '
     '"value": 1}\n', "line 1: timestamp"),
    ("ingest changes", "c.jsonl", '{"service": "s", "at": -5}\n', "line 1: at"),
    ("incidents show 99999999999999999999", "", "", "INCIDENT_ID"),
    ("incidents ack 9223372036854775808", "", "", "INCIDENT_ID"),
    ("silences expire 9223372036854775808", "", "", "SILENCE_ID"),
    ("incidents list --cursor bogus", "", "", "--cursor"),
    ("detections list --cursor eyJ4IjoxfQ", "", "", "--cursor"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "name", "content", "names"), CASES)
def test_bad_input_is_exit_2_and_one_line(
    tmp_path: Path, command: str, name: str, content: str, names: str
) -> None:
    args = ["--db", str(tmp_path / "e.db"), *command.split()]
    if name:
        (tmp_path / name).write_text(content)
        args.insert(command.count(" ") + 3, str(tmp_path / name))
    result = CliRunner().invoke(cli, args, prog_name="efficiency")
    assert result.exit_code == 2, (result.output, result.exception)
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and names in error[0], result.output
    assert "Traceback" not in result.output
    if name:
        database = Database(f"sqlite:///{tmp_path / 'e.db'}")
        database.upgrade()  # a no-op when the command created it
        with database.session() as s:
            assert s.query(Alert).count() == 0
        database.dispose()


def test_the_real_entry_point_prints_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(_alerts("9999-12-31T23:59:59-05:00"))
    result = subprocess.run(
        [sys.executable, "-m", "efficiency", "--db", str(tmp_path / "e.db"), "ingest", "alerts",
         str(tmp_path / "a.json")], capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "out of the range of dates" in result.stderr


@pytest.mark.parametrize(
    ("host", "token", "message"),
    [
        ("0.0.0.0", " ", "whitespace"),
        ("0.0.0.0", "x", "too weak"),
        ("0.0.0.0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "too weak"),
        ("0.0.0.0", "", "without an API token"),
        ("127.0.0.1", "has space", "whitespace"),
    ],
)
def test_weak_tokens_are_refused_before_binding(
    tmp_path: Path, host: str, token: str, message: str
) -> None:
    for command in ("serve", "daemon"):
        result = CliRunner().invoke(
            cli, ["--db", str(tmp_path / "e.db"), command, "--host", host, "--port", "1"],
            env={"EFFICIENCY_TOKEN": token, "EFFICIENCY_API_TOKEN": token},
            prog_name="efficiency",
        )  # fmt: skip
        assert result.exit_code == 2, result.output
        assert message in result.output
