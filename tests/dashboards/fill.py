"""A store for the dashboard's tests, filled only through the project's own commands
(``efficiency ingest ...``, ``detect``, ``hotspots list``, ``propose``, ``proposals review``),
so every page has something real to show.

The stacks are real: py-spy profiles of the demo's services (``tests/data/dashboard``; see the
README there). Over them: 16 days of hourly windows with a daily load swing (the capacity
outlook), the last 6 hours in 10-minute buckets with checkout's version 2 deployed 3 hours ago
(a regression), Alertmanager webhooks for three incidents (one resolved), GPU utilization of
two GPUs and the real H200 NVML and Kineto recordings of ``tests/data/datasets``, the agents'
own health, and a webhook receiver on loopback that the pages are delivered to. Last, the
thumbnailer's hot spots are proposed as fixes on branches of a git repository holding its
source; one is marked merged, its fix "deployed" (windows without the hoisted
``re.compile``), and the next detection pass realizes its saving.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from efficiency.cli import cli
from tests.conftest import DATA
from tests.servers import Receiver

STACKS = DATA / "dashboard"
KINETO = DATA / "datasets" / "kineto-traces"
SERVICES = {"checkout": 1.2, "search": 0.8, "thumbnailer": 0.9}
HISTORY_DAYS = 16


@dataclass
class Filled:
    root: Path
    db: Path
    config: Path
    end: datetime
    #: incident ids by service of their first alert
    incidents: dict[str, int]


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def _folded(name: str) -> list[tuple[str, int]]:
    rows = []
    for line in (STACKS / f"{name}.folded").read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        rows.append((stack, int(count)))
    return rows


def _scaled(rows: list[tuple[str, int]], samples: float) -> str:
    total = sum(n for _, n in rows)
    out = [f"{stack} {max(1, round(n * samples / total))}" for stack, n in rows]
    return "\n".join(out) + "\n"


def _window(service: str, start: datetime, seconds: int, cores: float, stacks: str) -> str:
    rows = _folded(stacks)
    return json.dumps({
        "service": service, "host": f"h-{service}", "start": _iso(start),
        "end": _iso(start + timedelta(seconds=seconds)), "format": "folded", "rate_hz": 100,
        "data": _scaled(rows, cores * seconds * 100), "process": "1",
    })  # fmt: skip


def _load(service: str, at: datetime, end: datetime) -> float:
    """Cores busy: the service's base, a daily swing and a slow growth over the history.
    The swing's phase and the growth run from ``end``, not the wall clock, so every run sees
    the same shape: the hours after ``end`` (the deployed fix) lie at the daily peak, and the
    growth never wraps inside the history (a fix measured in the trough could fall under
    ``detect.min_cores``)."""
    base = SERVICES[service]
    hours = (at - end).total_seconds() / 3600
    days = HISTORY_DAYS + hours / 24
    return base * (1 + 0.35 * math.sin(2 * math.pi * (hours + 6) / 24)) * (1 + 0.01 * days)


def profiles(end: datetime) -> str:
    lines = []
    for service in SERVICES:
        stacks = {"checkout": "checkout_v1"}.get(service, service)
        for h in range(HISTORY_DAYS * 24, 6, -1):  # hourly 10-minute windows
            start = end - timedelta(hours=h)
            lines.append(_window(service, start, 600, _load(service, start, end), stacks))
        for m in range(36, 0, -1):  # the last 6 hours: a 2-minute window every 10 minutes
            start = end - timedelta(minutes=10 * m)
            after_deploy = service == "checkout" and m <= 18
            lines.append(_window(service, start, 120, _load(service, start, end),
                                 "checkout_v2" if after_deploy else stacks))  # fmt: skip
    return "\n".join(lines) + "\n"


def deployed_fix(end: datetime, fix_at: datetime, hours: int = 3) -> str:
    """The thumbnailer's windows after ``end``: as before until ``fix_at`` (after the proposal
    was made), then, its ``re.compile`` hoisted, the same stacks without the compile calls."""
    fixed = [(s, n) for s, n in _folded("thumbnailer") if "_compile" not in s]
    lines = []
    start = end
    while start < fix_at + timedelta(hours=hours):
        rows = fixed if start >= fix_at else _folded("thumbnailer")
        data = _scaled(rows, _load("thumbnailer", start, end) * 120 * 100)
        lines.append(json.dumps({
            "service": "thumbnailer", "host": "h-thumbnailer", "start": _iso(start),
            "end": _iso(start + timedelta(seconds=120)), "format": "folded", "rate_hz": 100,
            "data": data, "process": "2" if start >= fix_at else "1",
        }))  # fmt: skip
        start += timedelta(minutes=10)
    return "\n".join(lines) + "\n"


def changes(end: datetime) -> str:
    rows = [
        {"service": "checkout", "at": _iso(end - timedelta(hours=3)), "kind": "deploy",
         "version": "2", "commit": "4f2a9c1e77d0", "author": "dana",
         "description": "audit log of every cart"},
        {"service": "search", "at": _iso(end - timedelta(days=2)), "kind": "deploy",
         "version": "14", "commit": "a01b2c3d4e5f", "author": "lee"},
        {"service": "thumbnailer", "at": _iso(end - timedelta(days=5)), "kind": "config",
         "version": "7", "author": "sam", "description": "bigger tiles"},
    ]  # fmt: skip
    return "\n".join(json.dumps(r) for r in rows) + "\n"


def _alert(name: str, service: str, start: datetime, severity: str, status: str = "firing",
           end: datetime | None = None, **labels: str) -> dict[str, Any]:  # fmt: skip
    return {
        "status": status,
        "labels": {"alertname": name, "service": service, "severity": severity,
                   "cluster": "eu-1", **labels},
        "annotations": {"summary": f"{name} on {service}"},
        "startsAt": _iso(start),
        "endsAt": _iso(end) if end else "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example:9090/graph",
    }  # fmt: skip


def webhooks(end: datetime) -> str:
    deploy = end - timedelta(hours=3)
    thumb = end - timedelta(days=1)
    bodies = [
        [_alert("HighLatency", "checkout", deploy + timedelta(minutes=4), "critical",
                instance="c1"),
         _alert("CheckoutErrors", "checkout", deploy + timedelta(minutes=5), "warning",
                instance="c2")],
        [_alert("SearchSlow", "search", end - timedelta(hours=1), "critical", instance="s1"),
         _alert("SearchErrors", "search", end - timedelta(hours=1) + timedelta(seconds=30),
                "warning", instance="s2")],
        [_alert("QueueBacklog", "thumbnailer", thumb, "critical", instance="t1")],
        [_alert("QueueBacklog", "thumbnailer", thumb, "critical", "resolved",
                thumb + timedelta(minutes=20), instance="t1")],
    ]  # fmt: skip
    out = []
    for alerts in bodies:
        status = "firing" if any(a["status"] == "firing" for a in alerts) else "resolved"
        out.append(json.dumps({"version": "4", "status": status, "receiver": "efficiency",
                               "groupKey": "{}:{}", "alerts": alerts}))  # fmt: skip
    return "\n".join(out) + "\n"


def metrics(end: datetime) -> str:
    points = []

    def add(metric: str, at: datetime, value: float, **labels: str) -> None:
        points.append(json.dumps({"name": metric, "labels": labels, "timestamp": _iso(at),
                                  "value": value}))  # fmt: skip

    for h in range(HISTORY_DAYS * 24, 0, -1):
        at = end - timedelta(hours=h)
        busy = 0.55 + 0.3 * math.sin(2 * math.pi * (at.hour - 14) / 24)
        for gpu in ("0", "1"):
            add("gpu_utilization", at, round(max(0.0, busy - 0.1 * int(gpu)), 4), host="gpu-1",
                gpu=gpu, name="NVIDIA H200")  # fmt: skip
    for service in SERVICES:
        host = f"h-{service}"
        for m in range(36, 0, -1):
            add("host_cpu_utilization", end - timedelta(minutes=10 * m), 0.3 + 0.01 * m,
                host=host)  # fmt: skip
        add("efficiency_agent_spool_batches", end, 0, host=host)
        add("efficiency_agent_last_ship_success_timestamp_seconds", end, end.timestamp(),
            host=host)  # fmt: skip
        add("efficiency_agent_collector_errors", end, 0, host=host, collector="pyspy")
    add("efficiency_agent_spool_batches", end, 42, host="gpu-1")
    add("efficiency_agent_collector_errors", end, 3, host="gpu-1", collector="gpu")
    return "\n".join(points) + "\n"


def services_file(url: str) -> str:
    return (
        "default_team: ops\n"
        "teams:\n"
        "  ops:\n"
        "    routes:\n"
        f"      - webhook: {{url: '{url}/hook'}}\n"
        "  shop:\n"
        "    routes:\n"
        f"      - webhook: {{url: '{url}/shop'}}\n"
        "      - webhook: {url: 'http://127.0.0.1:9/unreachable'}\n"
        "services:\n"
        "  checkout: {team: shop, owner: dana, dependencies: [search]}\n"
        "  search: {team: ops}\n"
        "  thumbnailer: {team: ops}\n"
    )


def run(db: Path, config: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", str(db), *args])
    if result.exit_code != 0:
        raise RuntimeError(f"efficiency {' '.join(args)}: {result.output}{result.exception!r}")
    return result.output


def fill(root: Path) -> Filled:
    """Fill a fresh SQLite store under ``root`` (about 20 s)."""
    root.mkdir(parents=True, exist_ok=True)
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    end -= timedelta(minutes=end.minute % 10)
    db = root / "efficiency.db"
    inputs = root / "inputs"
    inputs.mkdir(exist_ok=True)
    files = {
        "profiles.jsonl": profiles(end), "changes.jsonl": changes(end),
        "alerts.jsonl": webhooks(end), "metrics.jsonl": metrics(end),
    }  # fmt: skip
    for name, text in files.items():
        (inputs / name).write_text(text)
    with Receiver() as receiver:
        (root / "services.yaml").write_text(services_file(receiver.url))
        config = root / "efficiency.toml"
        config.write_text(
            f'[notify]\nservices_file = "{root / "services.yaml"}"\n\n'
            '[dashboard]\nurl = "http://efficiency.example:8501"\nrefresh_seconds = 0\n'
        )
        run(db, config, "ingest", "profile", str(inputs / "profiles.jsonl"), "--format", "jsonl")
        run(db, config, "ingest", "changes", str(inputs / "changes.jsonl"))
        run(db, config, "ingest", "metrics", str(inputs / "metrics.jsonl"))
        run(db, config, "ingest", "metrics", str(DATA / "datasets/nvml/h200_training_points.jsonl"))
        for trace in ("h200_convnet_dataloader_num_workers_0", "h200_pattern_host_sync"):
            run(db, config, "ingest", "trace", str(KINETO / f"{trace}.pt.trace.json.gz"),
                "--service", "trainer", "--host", "gpu-1")  # fmt: skip
        run(db, config, "ingest", "alerts", str(inputs / "alerts.jsonl"))
        run(db, config, "detect")
        _propose(root, db, config)
        # the merged fix is deployed after the proposal was made (the next 10 minutes)
        now = datetime.now(UTC)
        fix_at = now.replace(second=0, microsecond=0) + timedelta(minutes=20 - now.minute % 10)
        (inputs / "fixed.jsonl").write_text(deployed_fix(end, fix_at))
        run(db, config, "ingest", "profile", str(inputs / "fixed.jsonl"), "--format", "jsonl")
        run(db, config, "detect")
    incidents = json.loads(run(db, config, "incidents", "list", "--status", "all", "--json"))
    with sqlite3.connect(db) as conn:  # everything in the main file: it can be copied alone
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Filled(root, db, config, end, {i["services"][0]: i["id"] for i in incidents})


def _propose(root: Path, db: Path, config: Path) -> None:
    """The thumbnailer's source in a git repository, its hot spots proposed as fixes, the
    first fix marked merged."""
    from efficiency.demo.services import thumbnailer
    from efficiency.remediate import git as gitops

    repo = root / "thumbnailer-repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir()
    shutil.copy(thumbnailer.__file__, repo / "thumbnailer.py")
    gitops.git(repo, "init", "--quiet", "-b", "main")
    gitops.git(repo, "add", ".")
    gitops.git(repo, "commit", "--quiet", "-m", "thumbnailer as deployed")
    spots = json.loads(run(db, config, "hotspots", "list", "--service", "thumbnailer", "--json"))
    made = []
    for spot in spots:
        if not spot["playbooks"]:
            continue
        result = CliRunner().invoke(cli, ["--config", str(config), "--db", str(db), "propose",
                                          spot["id"], "--repo", str(repo), "--json"])  # fmt: skip
        if result.exit_code == 0:
            made.append(json.loads(result.output))
    if not made:
        raise RuntimeError("no proposal was made for the thumbnailer")
    compile_fix = next((p for p in made if "re-compile" in p["playbook"]), made[0])
    run(db, config, "proposals", "review", str(compile_fix["id"]), "merged", "--actor", "sam")
