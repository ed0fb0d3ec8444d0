"""The command line through its real entry point: exit codes, messages, --json."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import DATA

FOLDED = "main (app.py:1);work (app.py:5);spin (app.py:9) 70\nmain (app.py:1);work (app.py:6) 30\n"


def run(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "efficiency", "--db", str(tmp_path / "e.db"), *args],
        capture_output=True, text=True, input=stdin, timeout=120,
    )  # fmt: skip


def test_help_on_every_command(tmp_path: Path) -> None:
    from efficiency.cli import cli

    def walk(group, path):  # type: ignore[no-untyped-def]
        yield path
        for name, cmd in getattr(group, "commands", {}).items():
            yield from walk(cmd, [*path, name])

    for path in walk(cli, []):
        result = run(tmp_path, *path, "--help")
        assert result.returncode == 0, (path, result.stderr)
        assert "Usage:" in result.stdout


def test_ingest_profile_then_hotspots_json(tmp_path: Path) -> None:
    folded = tmp_path / "p.txt"
    folded.write_text(FOLDED)
    args = ["ingest", "profile", str(folded), "--service", "api", "--rate", "100",
            "--start", "2026-11-22T10:00:00Z", "--end", "2026-11-22T10:00:01Z"]  # fmt: skip
    first = run(tmp_path, *args)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("1 window(s) stored")
    again = run(tmp_path, *args)
    assert again.stdout.startswith("0 window(s) stored, 1 already present")
    out = run(tmp_path, "hotspots", "list", "--json")
    rows = json.loads(out.stdout)
    assert isinstance(rows, list) and rows[0]["frame"] == "spin (app.py)"
    assert rows[0]["share"] == 0.7 and rows[0]["cost_cores"] == pytest.approx(0.7)
    for key in ("id", "service", "frame", "runtime", "share", "cost_cores", "cost_gpu_hours",
                "playbooks"):  # fmt: skip
        assert key in rows[0]
    table = run(tmp_path, "hotspots", "list")
    assert "spin" in table.stdout and "70.0" in table.stdout


def test_ingest_pprof_takes_times_from_the_file(tmp_path: Path) -> None:
    result = run(tmp_path, "ingest", "profile", str(DATA / "go_cpu.pb.gz"), "--service", "go")
    assert result.returncode == 0, result.stderr
    rows = json.loads(run(tmp_path, "hotspots", "list", "--json", "--limit", "1").stdout)
    assert rows[0]["function"] == "main.hotSpin"


def test_ingest_jsonl_batch_from_stdin(tmp_path: Path) -> None:
    line = {"service": "s", "host": "h", "start": "2026-11-22T10:00:00Z",
            "end": "2026-11-22T10:01:00Z", "format": "folded", "data": FOLDED}  # fmt: skip
    other = {**line, "host": "h2"}
    stdin = json.dumps(line) + "\n" + json.dumps(other) + "\n"
    result = run(tmp_path, "ingest", "profile", "-", "--format", "jsonl", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 window(s) stored")


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("a;b 1\nc;d x\n", ["--service", "s"], "line 2"),
        ("a;b 1\n", [], "--service is required"),
        ("a;b 1\n", ["--service", "s", "--start", "yesterday"], "--start"),
    ],
)
def test_bad_profiles_exit_2_with_one_line(
    tmp_path: Path, content: str, args: list[str], message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content)
    result = run(tmp_path, "ingest", "profile", str(path), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_file_and_corrupt_pprof(tmp_path: Path) -> None:
    missing = run(tmp_path, "ingest", "alerts", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    corrupt = tmp_path / "x.pb.gz"
    corrupt.write_bytes(gzip.compress(b"\xff\xff\xff not protobuf"))
    result = run(tmp_path, "ingest", "profile", str(corrupt), "--service", "s")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_ingest_alerts_json_array_and_lines(tmp_path: Path, datasets: Path) -> None:
    firing = json.loads((datasets / "alertmanager" / "webhook_firing.json").read_text())
    resolved = json.loads((datasets / "alertmanager" / "webhook_resolved.json").read_text())
    arr = tmp_path / "a.json"
    arr.write_text(json.dumps([firing, firing]))
    result = run(tmp_path, "ingest", "alerts", str(arr))
    assert result.stdout.startswith("1 new alert(s), 0 updated, 1 duplicate"), result.stderr
    lines = tmp_path / "a.jsonl"
    lines.write_text(json.dumps(firing) + "\n" + json.dumps(resolved) + "\n")
    result = run(tmp_path, "ingest", "alerts", str(lines))
    assert result.stdout.startswith("0 new alert(s), 1 updated, 1 duplicate"), result.stderr


def test_bad_alert_payload_names_the_field_and_stores_nothing(
    tmp_path: Path, datasets: Path
) -> None:
    firing = json.loads((datasets / "alertmanager" / "webhook_firing.json").read_text())
    broken = json.loads(json.dumps(firing))
    broken["alerts"][0]["startsAt"] = "not a time"
    path = tmp_path / "a.json"
    path.write_text(json.dumps([firing, broken]))
    result = run(tmp_path, "ingest", "alerts", str(path))
    assert result.returncode == 2
    assert "[1].alerts.0.startsAt" in result.stderr
    assert json.loads(run(tmp_path, "incidents", "list", "--json").stdout) == []
    # nothing half-written: the good first payload was not stored either
    good = tmp_path / "good.json"
    good.write_text(json.dumps(firing))
    assert run(tmp_path, "ingest", "alerts", str(good)).stdout.startswith("1 new alert(s)")


def test_ingest_changes_and_metrics(tmp_path: Path) -> None:
    changes = tmp_path / "c.jsonl"
    changes.write_text(
        '{"service": "api", "at": "2026-11-22T10:00:00Z", "version": "1.2", "commit": "ab12"}\n'
        '{"service": "api", "kind": "config", "at": "2026-11-22T10:05:00Z"}\n'
    )
    assert run(tmp_path, "ingest", "changes", str(changes)).stdout.startswith("2 change(s)")
    assert (
        "0 change(s) stored, 2 duplicate" in run(tmp_path, "ingest", "changes", str(changes)).stdout
    )
    csv = tmp_path / "m.csv"
    csv.write_text(
        "timestamp,name,value,host\n2026-11-22T10:00:00Z,cpu,0.5,h1\n1795341660,cpu,0.7,h1\n"
    )
    out = run(tmp_path, "ingest", "metrics", str(csv))
    assert out.stdout.startswith("2 point(s) stored in 1 series"), out.stderr
    jsonl = tmp_path / "m.jsonl"
    jsonl.write_text('{"name": "mem", "timestamp": 0, "value": 3}\n')
    assert run(tmp_path, "ingest", "metrics", str(jsonl)).stdout.startswith("1 point(s)")
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,name,value\n2026-11-22T10:00:00Z,cpu,lots\n")
    result = run(tmp_path, "ingest", "metrics", str(bad))
    assert result.returncode == 2 and "line 2: value" in result.stderr
    bad_change = tmp_path / "bad.jsonl"
    bad_change.write_text('{"service": "api"}\n')
    result = run(tmp_path, "ingest", "changes", str(bad_change))
    assert result.returncode == 2 and "line 1: at: Field required" in result.stderr


def test_incidents_commands_on_an_empty_store(tmp_path: Path) -> None:
    assert json.loads(run(tmp_path, "incidents", "list", "--status", "all", "--json").stdout) == []
    assert "no open incidents" in run(tmp_path, "incidents", "list").stdout
    missing = run(tmp_path, "incidents", "show", "7")
    assert missing.returncode == 2 and "incident 7 does not exist" in missing.stderr
    assert run(tmp_path, "incidents", "ack", "7").returncode == 2
    assert json.loads(run(tmp_path, "detections", "list", "--json").stdout) == []


def test_db_upgrade_and_bad_config(tmp_path: Path) -> None:
    result = run(tmp_path, "db", "upgrade")
    from efficiency.store.migrate import head_revision

    assert result.returncode == 0 and f"revision {head_revision()}" in result.stdout
    cfg = tmp_path / "c.toml"
    cfg.write_text("[api]\nport = 'x'\n")
    bad = subprocess.run(
        [sys.executable, "-m", "efficiency", "--config", str(cfg), "incidents", "list"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "api.port" in bad.stderr and "Traceback" not in bad.stderr


def test_unreachable_postgres_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "efficiency", "--db", "postgresql://nobody@127.0.0.1:1/x",
         "incidents", "list"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "127.0.0.1" in result.stderr


def test_serve_refuses_a_public_address_without_a_token(tmp_path: Path) -> None:
    result = run(tmp_path, "serve", "--host", "0.0.0.0")
    assert result.returncode == 2 and "without an API token" in result.stderr


@pytest.mark.slow
def test_profile_a_command_stores_its_hot_function(tmp_path: Path) -> None:
    script = tmp_path / "hot_script.py"
    script.write_text(
        "import time\n"
        "def hot_loop():\n"
        "    return sum(i * i for i in range(20000))\n"
        "end = time.time() + 20\n"
        "while time.time() < end:\n"
        "    hot_loop()\n"
    )
    result = run(tmp_path, "profile", "--duration", "3", "--window", "3", "--",
                 sys.executable, str(script))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "of hot_script stored" in result.stdout
    rows = json.loads(run(tmp_path, "hotspots", "list", "--json", "--by", "inclusive").stdout)
    assert rows[0]["service"] == "hot_script"
    assert any(r["function"] == "hot_loop" and r["share_inclusive"] > 0.8 for r in rows)


def test_profile_needs_a_target(tmp_path: Path) -> None:
    result = run(tmp_path, "profile")
    assert result.returncode == 2 and "--pid PID, --pattern REGEX, or a command" in result.stderr
    result = run(tmp_path, "profile", "--pid", "999999999")
    assert result.returncode == 2 and "no process with pid" in result.stderr


def test_invalid_values_in_valid_files_exit_2(tmp_path: Path) -> None:
    """Values the payload models refuse (too long, NUL characters) are user errors too."""
    long_name = tmp_path / "m.csv"
    long_name.write_text(f"timestamp,name,value\n2026-11-22T10:00:00Z,{'x' * 300},1\n")
    result = run(tmp_path, "ingest", "metrics", str(long_name))
    assert result.returncode == 2 and "line 2: name" in result.stderr
    nul = tmp_path / "p.txt"
    nul.write_bytes(b"a;b\x00c 3\n")
    result = run(tmp_path, "ingest", "profile", str(nul), "--service", "s")
    assert result.returncode == 2 and "line 1" in result.stderr and "NUL" in result.stderr


def test_ingest_changes_from_git_history(tmp_path: Path) -> None:
    from tests.collectors.test_git_changes import Repo

    repo = Repo(tmp_path / "shop")
    repo.commit("api/app.py", "api: first release", "2026-01-05T10:00:00Z")
    repo.commit("web/index.html", "web: new banner", "2026-01-06T09:00:00Z")
    fix = repo.commit("api/db.py", "api: fix N+1 query", "2026-01-07T12:00:00Z")
    args = ["ingest", "changes", "--git", str(repo.path), "--service", "api"]
    first = run(tmp_path, *args, "--path", "api", "--since", "2026-01-05T12:00:00Z")
    assert first.stdout.startswith("1 change(s) stored, 0 duplicate"), first.stderr
    again = run(tmp_path, *args, "--path", "api")
    assert again.stdout.startswith("1 change(s) stored, 1 duplicate"), again.stderr

    from efficiency.store.db import Database
    from efficiency.store.schema import ChangeEvent

    db = Database(f"sqlite:///{tmp_path / 'e.db'}")
    try:
        with db.session() as s:
            stored = {(c.service, c.commit, c.kind) for c in s.scalars(select(ChangeEvent))}
    finally:
        db.dispose()
    assert ("api", fix, "deploy") in stored and len(stored) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--git", "."], "--git needs --service"),
        (["x.jsonl", "--git", ".", "--service", "s"], "either FILE or --git REPO"),
        ([], "either FILE or --git REPO"),
        (["--git", "{tmp}", "--service", "s"], "is not a git repository"),
        (["--git", "{tmp}/nope", "--service", "s"], "does not exist"),
    ],
)
def test_ingest_changes_git_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(tmp_path, "ingest", "changes", *(a.format(tmp=tmp_path) for a in args))
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr


def test_ingest_alerts_pulled_from_alertmanager_and_prometheus(tmp_path: Path) -> None:
    from tests.servers import CannedServer, json_reply

    am_alert = {
        "labels": {"alertname": "HighLatency", "service": "api", "severity": "page"},
        "annotations": {"summary": "p99 above 2 s"},
        "startsAt": "2026-11-22T10:00:00Z",
        "endsAt": "2026-11-22T23:59:00Z",
        "updatedAt": "2026-11-22T10:00:30Z",
        "generatorURL": "http://prometheus:9090/graph",
        "fingerprint": "0123456789abcdef",
        "receivers": [{"name": "team-api"}],
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
    }
    prom = {
        "status": "success",
        "data": {
            "alerts": [
                {
                    "labels": {"alertname": "DiskFull", "instance": "db-1"},
                    "annotations": {},
                    "state": "firing",
                    "activeAt": "2026-11-22T09:00:00Z",
                    "value": "9.7e-01",
                },
                {
                    "labels": {"alertname": "Later"},
                    "state": "pending",
                    "activeAt": "2026-11-22T09:00:00Z",
                    "value": "1e+00",
                },
            ]
        },
    }
    replies = {"/api/v2/alerts": json_reply([am_alert]), "/api/v1/alerts": json_reply(prom)}
    with CannedServer(replies) as server:
        first = run(tmp_path, "ingest", "alerts", "--alertmanager", server.url)
        assert first.stdout.startswith("1 new alert(s), 0 updated, 0 duplicate"), first.stderr
        again = run(tmp_path, "ingest", "alerts", "--alertmanager", server.url)
        assert again.stdout.startswith("0 new alert(s), 0 updated, 1 duplicate"), again.stderr
        pulled = run(tmp_path, "ingest", "alerts", "--prometheus", server.url)
        assert pulled.stdout.startswith("1 new alert(s)"), pulled.stderr  # pending is not sent
        both = run(tmp_path, "ingest", "alerts", "--prometheus", server.url, "--alertmanager", "x")
        assert both.returncode == 2 and "exactly one of" in both.stderr

    from efficiency.store.db import Database
    from efficiency.store.schema import Alert

    db = Database(f"sqlite:///{tmp_path / 'e.db'}")
    try:
        with db.session() as s:
            stored = {a.fingerprint: a.source for a in s.scalars(select(Alert))}
    finally:
        db.dispose()
    assert stored["0123456789abcdef"] == "pull" and len(stored) == 2


def test_ingest_alerts_pull_errors_are_one_line(tmp_path: Path) -> None:
    from tests.servers import CannedServer, free_port

    refused = run(tmp_path, "ingest", "alerts", "--alertmanager", f"http://127.0.0.1:{free_port()}")
    assert refused.returncode == 2 and "cannot connect" in refused.stderr
    assert "Traceback" not in refused.stderr
    with CannedServer({"/api/v2/alerts": (502, "text/html", "<h1>Bad Gateway</h1>")}) as server:
        proxy = run(tmp_path, "ingest", "alerts", "--alertmanager", server.url)
    assert proxy.returncode == 2 and "HTTP 502" in proxy.stderr
