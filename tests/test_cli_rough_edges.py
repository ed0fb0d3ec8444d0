"""Rough edges a user hit (issue 14): empty profile files, read commands on a missing
database folder, root causes as text, a busy port, an unknown hot spot, JSON log lines."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from efficiency.cli import cli
from efficiency.cli.incidents import root_cause_line
from efficiency.store.db import Database
from tests.servers import free_port, wait_http
from tests.stages.test_incident_actions import two_incidents


def efficiency(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "EFFICIENCY_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "efficiency", *args],
        capture_output=True, text=True, input=stdin, timeout=120, env=env,
    )  # fmt: skip


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_an_empty_profile_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    for content in ("", "\n  \n"):
        empty = tmp_path / "empty.folded"
        empty.write_text(content)
        for extra in ([], ["--rate", "100"], ["--format", "folded"]):
            line = one_line(efficiency("--db", str(db), "ingest", "profile", str(empty),
                                       "--service", "api", *extra))  # fmt: skip
            assert line == f"Error: {empty}: the file is empty: no profile to store"
    line = one_line(efficiency("--db", str(db), "ingest", "profile", "-", "--service", "api",
                               stdin=""))  # fmt: skip
    assert "-: the file is empty" in line
    hot = efficiency("--db", str(db), "hotspots", "list", "--json")
    assert hot.returncode == 0 and json.loads(hot.stdout) == []


def test_read_commands_refuse_a_missing_database_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "e.db"
    report = ["report", "savings", "-o", str(tmp_path / "r.csv")]
    for args in (["incidents", "list"], ["incidents", "show", "1"], ["detections", "list"],
                 ["hotspots", "list"], ["silences", "list"], ["proposals", "list"], report,
                 ["propose", "abc"]):  # fmt: skip
        line = one_line(efficiency("--db", str(missing), *args))
        assert f"no database at {missing}" in line and "does not exist" in line, args
    assert not (tmp_path / "no").exists()
    # commands that store data make the folder and the database (docs/configuration.md)
    folded = tmp_path / "p.folded"
    folded.write_text("main;work 10\n")
    stored = efficiency("--db", str(missing), "ingest", "profile", str(folded), "--service", "a")
    assert stored.returncode == 0, stored.stderr
    listed = efficiency("--db", str(missing), "incidents", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []


def test_incidents_show_renders_root_causes(tmp_path: Path) -> None:
    path = tmp_path / "e.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    ledger, _search = two_incidents(db)
    db.dispose()
    result = CliRunner().invoke(cli, ["--db", str(path), "incidents", "show", str(ledger)])
    assert result.exit_code == 0, result.output
    causes = [line for line in result.output.splitlines() if line.startswith("root cause")]
    assert causes and causes[0].startswith("root cause 1: service ledger (score ")
    assert "alert(s)" in causes[0] and "onset " in causes[0]
    assert not any("{" in line or "'" in line for line in causes), causes


def test_root_cause_lines_for_each_kind() -> None:
    change = {
        "kind": "change",
        "name": "checkout@v2",
        "score": 0.8123,
        "service": "checkout",
        "at": "2026-03-02T10:00:00+00:00",
        "minutes_before_onset": 4.0,
        "change_id": 3,
    }
    assert root_cause_line(change) == (
        "change checkout@v2 (score 0.81): deployed 2026-03-02T10:00:00+00:00; "
        "4.0 min before the onset"
    )  # fmt: skip
    function = {"kind": "function", "name": "checkout:spin", "score": 0.5, "p_value": 1e-9,
                "magnitude": 0.25}  # fmt: skip
    assert root_cause_line(function) == (
        "function checkout:spin (score 0.50): regression p=1e-09; magnitude 0.25"
    )
    host = {"kind": "host", "name": "h1", "score": 0.2, "services_on_host": ["a", "b"]}
    assert root_cause_line(host) == "host h1 (score 0.20): services on it: a, b"
    ranked = {
        "kind": "service",
        "name": "db",
        "score": 1.0,
        "abnormality": 3.25,
        "moved_series": 2,
        "top_series": [{"series": "latency"}],
        "explained_by": None,
    }
    assert root_cause_line(ranked) == (
        "service db (score 1.00): abnormality 3.25; 2 series moved; most: latency"
    )


def test_serve_on_a_busy_port_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for command in ("serve", "daemon"):
            line = one_line(efficiency("--db", str(tmp_path / "e.db"), command,
                                       "--port", str(port)))  # fmt: skip
            assert line == (
                f"Error: cannot listen on 127.0.0.1:{port}: the port is in use (another "
                "server, or efficiency already running?); choose another with --port or api.port"
            )


def test_propose_names_an_unknown_id_before_asking_for_repo(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    assert efficiency("--db", str(db), "db", "upgrade").returncode == 0
    line = one_line(efficiency("--db", str(db), "propose", "0123abcd"))
    assert line == "Error: hot spot 0123abcd does not exist (see efficiency hotspots list)"


def test_daemon_writes_json_log_lines(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "daemon.log"
    env = {k: v for k, v in os.environ.items() if k != "EFFICIENCY_CONFIG"}
    env.update(PYTHONUNBUFFERED="1", EFFICIENCY_DAEMON_DETECT_SECONDS="0")
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "efficiency", "--db", str(tmp_path / "e.db"), "daemon",
             "--port", str(port), "--log-format", "json"],
            stdout=subprocess.DEVNULL, stderr=err, env=env,
        )  # fmt: skip
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz", timeout=60, proc=proc)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert lines, "no log lines"
    for entry in lines:
        assert {"ts", "level", "logger", "msg"} <= entry.keys(), entry
        assert entry["ts"].endswith("Z") and entry["level"] in ("info", "warning", "error")
    loggers = {entry["logger"] for entry in lines}
    assert "uvicorn.access" in loggers and "uvicorn.error" in loggers
    access = next(e for e in lines if e["logger"] == "uvicorn.access")
    assert "GET /healthz" in access["msg"]


def test_agent_writes_json_log_lines(tmp_path: Path) -> None:
    """The agent's start line carries its settings as fields; SIGTERM stops it cleanly."""
    env = {k: v for k, v in os.environ.items() if k != "EFFICIENCY_CONFIG"}
    env.update(PYTHONUNBUFFERED="1", EFFICIENCY_AGENT_HOST_METRICS_SECONDS="0",
               EFFICIENCY_AGENT_HEALTH_SECONDS="0")  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "efficiency", "agent", "--server", "http://127.0.0.1:9",
         "--spool", str(tmp_path / "spool.db"), "--metrics-port", "0", "--log-format", "json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        first = json.loads(proc.stderr.readline())
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[1]
    assert first["logger"] == "efficiency.agent" and first["level"] == "info"
    assert first["server"] == "http://127.0.0.1:9" and first["collectors"] == []
    assert first["spool"] == str(tmp_path / "spool.db")
    for line in rest.splitlines():
        assert {"ts", "level", "logger", "msg"} <= json.loads(line).keys()
