"""`efficiency serve --workers N` and `efficiency daemon --workers N` as real processes on
PostgreSQL: alerts posted concurrently to several API workers are stored once each, and the
daemon's stages (correlation) run once, in the parent process. SQLite refuses N > 1."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from efficiency.store.db import Database
from efficiency.store.events import Alert
from efficiency.store.incidents import IncidentAlert
from tests.conftest import postgres_database
from tests.servers import free_port, stop_process, tail

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
BATCHES, PER_BATCH = 40, 25


@pytest.fixture
def pg() -> Iterator[Database]:
    yield from postgres_database()


def batches() -> list[dict[str, Any]]:
    out = []
    for b in range(BATCHES):
        alerts = []
        for i in range(PER_BATCH):
            n = b * PER_BATCH + i
            alerts.append({
                "status": "firing",
                "labels": {"alertname": "HighLatency", "service": f"svc{n % 8}",
                           "pod": f"pod-{n}", "severity": "critical"},
                "annotations": {"summary": f"alert {n}"},
                "startsAt": (T0 + timedelta(seconds=n)).isoformat().replace("+00:00", "Z"),
                "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": f"{n:016x}",
            })  # fmt: skip
        out.append({"version": "4", "status": "firing", "receiver": "efficiency",
                    "groupKey": f"w/{b}", "alerts": alerts})  # fmt: skip
    return out


def start(command: str, url: str, log: Path, workers: int, port: int) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "efficiency", "--db", url, command, "--port", str(port),
             "--workers", str(workers)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # every worker has logged that it is up
        if proc.poll() is not None:
            pytest.fail(f"{command} exited at start:\n{tail(log)}")
        if len(re.findall(r"Application startup complete", tail(log, 100_000))) == workers:
            return proc
        time.sleep(0.1)
    stop_process(proc)
    pytest.fail(f"{command} --workers {workers} not up in 120 s:\n{tail(log)}")


def post_all(port: int) -> list[dict[str, Any]]:
    def post(payload: dict[str, Any]) -> dict[str, Any]:
        answer = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/alerts/alertmanager", json=payload, timeout=120
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    payloads = batches()
    with ThreadPoolExecutor(16) as pool:  # each batch twice, concurrently: stored once
        return list(pool.map(post, payloads + payloads))


def stored(pg: Database) -> tuple[int, int]:
    with pg.session() as s:
        rows = s.scalar(select(func.count()).select_from(Alert))
        fingerprints = s.scalar(select(func.count(func.distinct(Alert.fingerprint))))
    return int(rows or 0), int(fingerprints or 0)


@pytest.mark.postgres
def test_serve_with_two_workers_stores_each_concurrent_alert_once(
    pg: Database, tmp_path: Path
) -> None:
    port = free_port()
    proc = start("serve", pg.url, tmp_path / "serve.log", 2, port)
    try:
        post_all(port)
        pids = set(
            re.findall(r"Started server process \[(\d+)\]", tail(tmp_path / "serve.log", 10**7))
        )
    finally:
        stop_process(proc)
    assert len(pids) == 2
    assert stored(pg) == (BATCHES * PER_BATCH, BATCHES * PER_BATCH)


@pytest.mark.postgres
def test_daemon_with_two_workers_correlates_once_in_the_parent(
    pg: Database, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "daemon.log"
    proc = start("daemon", pg.url, log, 2, port)
    try:
        answers = post_all(port)
        deadline = time.monotonic() + 120  # the stage thread's next ticks correlate them
        while time.monotonic() < deadline:
            with pg.session() as s:
                linked = s.scalar(select(func.count(func.distinct(IncidentAlert.alert_id))))
            if linked == BATCHES * PER_BATCH:
                break
            time.sleep(0.2)
    finally:
        stop_process(proc)
    assert stored(pg) == (BATCHES * PER_BATCH, BATCHES * PER_BATCH)
    assert linked == BATCHES * PER_BATCH, tail(log)
    assert all("correlated" not in a for a in answers)  # not in the workers
    assert "Traceback" not in log.read_text()


@pytest.mark.parametrize("command", ["serve", "daemon"])
def test_more_than_one_worker_on_sqlite_is_refused(tmp_path: Path, command: str) -> None:
    db = tmp_path / "e.db"
    done = subprocess.run(
        [sys.executable, "-m", "efficiency", "--db", str(db), command, "--workers", "2"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    line = done.stderr.strip().splitlines()[-1]
    assert "--workers: 2 API workers need PostgreSQL" in line
    assert "Traceback" not in done.stderr
