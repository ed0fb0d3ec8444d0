"""``efficiency silences add|list|expire`` through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "efficiency", "--db", str(tmp_path / "e.db"), "silences", *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "250"},
    )  # fmt: skip


def test_add_list_expire(tmp_path: Path) -> None:
    added = run(tmp_path, "add", "--match", "service=checkout", "--match", 'alertname=~"Disk.*"',
                "--start", "2026-03-02T12:00:00Z", "--duration", "100w",
                "--comment", "db maintenance", "--created-by", "alice", "--json")  # fmt: skip
    assert added.returncode == 0, added.stderr
    row = json.loads(added.stdout)
    assert row["matchers"] == ['service="checkout"', 'alertname=~"Disk.*"']
    assert (row["starts_at"], row["ends_at"]) == ("2026-03-02T12:00:00Z", "2028-01-31T12:00:00Z")
    assert (row["comment"], row["created_by"], row["recurrence"]) == (
        "db maintenance", "alice", None,
    )  # fmt: skip

    table = run(tmp_path, "list")
    assert table.returncode == 0, table.stderr
    assert "alertname=~" in table.stdout and "db maintenance" in table.stdout

    expired = run(tmp_path, "expire", str(row["id"]))
    assert expired.returncode == 0, expired.stderr
    assert expired.stdout.startswith(f"silence {row['id']} is expired")
    assert json.loads(run(tmp_path, "list", "--json").stdout) == []
    (everything,) = json.loads(run(tmp_path, "list", "--all", "--json").stdout)
    assert everything["state"] == "expired" and everything["expired_at"]


def test_add_maintenance_window(tmp_path: Path) -> None:
    added = run(tmp_path, "add", "--match", "service=db", "--start", "2099-01-01T00:00:00Z",
                "--every", "mon-fri", "--at", "02:00", "--for", "2h",
                "--timezone", "Europe/Berlin")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "silence 1 added (pending)"
    (row,) = json.loads(run(tmp_path, "list", "--json").stdout)
    assert row["ends_at"] is None
    assert row["recurrence"] == {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "02:00",
                                 "duration_seconds": 7200, "timezone": "Europe/Berlin"}  # fmt: skip
    table = run(tmp_path, "list").stdout
    assert "Europe/Berlin" in table and "pending" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--match", "service", "--duration", "1h"], "--match: 'service' is not a matcher"),
        (["--match", 'a=~".*"', "--duration", "1h"], "--match: at least one matcher"),
        (["--match", "a=b"], "a one-off silence needs --end or --duration"),
        (["--match", "a=b", "--end", "2099-01-01", "--duration", "1h"], "not both"),
        (["--match", "a=b", "--duration", "soon"], "--duration: 'soon' is not a positive"),
        (["--match", "a=b", "--end", "yesterday"], "--end: 'yesterday' is not an RFC 3339"),
        (["--match", "a=b", "--end", "2020-01-01T00:00:00Z"], "--end: must be after"),
        (["--match", "a=b", "--every", "mon"], "--every needs --at HH:MM and --for"),
        (["--match", "a=b", "--at", "02:00", "--duration", "1h"], "go with --every"),
        (["--match", "a=b", "--every", "mon", "--at", "2am", "--for", "1h"], "--at: '2am'"),
        (["--match", "a=b", "--every", "mon", "--at", "02:00", "--for", "1h",
          "--timezone", "Mars/Olympus"], "--timezone: 'Mars/Olympus' is not an IANA"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(tmp_path, "add", *args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_expire_unknown_silence(tmp_path: Path) -> None:
    result = run(tmp_path, "expire", "42")
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: silence 42 does not exist"
