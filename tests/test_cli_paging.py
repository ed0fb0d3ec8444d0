"""`incidents list --json` pages: stdout stays one JSON array, the next cursor is on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from efficiency.cli import cli
from efficiency.store.db import Database
from tests.store.test_incident_paging import fill


def test_cli_json_stays_an_array_and_the_next_cursor_goes_to_stderr(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'e.db'}")
    db.upgrade()
    fill(db, 3)
    db.dispose()
    base = ["--db", str(tmp_path / "e.db"), "incidents", "list", "--json"]
    runner = CliRunner()
    first = runner.invoke(cli, [*base, "--limit", "2"], prog_name="efficiency")
    assert first.exit_code == 0, first.output
    assert [i["title"] for i in json.loads(first.stdout)] == ["#2", "#1"]
    (note,) = first.stderr.splitlines()
    assert note.startswith("more: efficiency incidents list --status open --limit 2 --cursor ")
    rest = runner.invoke(cli, [*base, "--cursor", note.rsplit(" ", 1)[1]], prog_name="efficiency")
    assert [i["title"] for i in json.loads(rest.stdout)] == ["#0"] and rest.stderr == ""
