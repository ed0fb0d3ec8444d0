"""`efficiency daemon` as a real process: an alert storm arrives over the webhook, the daemon
is killed with SIGKILL in the middle of it and restarted, and still no alert is lost and no
page is sent twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from efficiency.store.db import Database
from efficiency.store.events import Alert
from efficiency.store.incidents import IncidentAlert, Page
from tests.servers import free_port

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TOKEN = "storm-token"


class PageReceiver:
    """A webhook receiver that answers 503 until ``accept()``: a page it answered 200 is a
    page delivered; everything it received is kept."""

    def __init__(self) -> None:
        self.accepting = False
        self.delivered: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    ok = receiver.accepting
                    if ok:
                        receiver.delivered.append(body)
                self.send_response(200 if ok else 503)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def accept(self) -> None:
        with self.lock:
            self.accepting = True

    def pages(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.delivered)


class Daemon:
    def __init__(self, workdir: Path, receiver: PageReceiver) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = workdir / "daemon.db"
        self.log = workdir / "daemon.log"
        services = workdir / "services.yaml"
        services.write_text(
            "default_team: ops\nteams:\n  ops:\n    routes:\n"
            f"      - webhook: {{url: '{receiver.url}'}}\n"
        )
        self.config = workdir / "daemon.toml"
        self.config.write_text(
            f'[database]\nurl = "sqlite:///{self.db_path}"\n'
            f'[api]\nport = {self.port}\ntoken = "{TOKEN}"\n'
            f'[notify]\nservices_file = "{services}"\nretry_initial_seconds = 0.2\n'
            "retry_max_seconds = 1.0\nlease_seconds = 11\n"
            "[daemon]\ntick_seconds = 0.3\ndetect_seconds = 0\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "efficiency", "--config", str(self.config), "daemon"],
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"daemon exited at start:\n{self.tail()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        pytest.fail(f"daemon not ready in 60 s:\n{self.tail()}")

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def storm(batches: int, per_batch: int) -> list[dict[str, Any]]:
    """Webhook payloads of five independent failures over ten services, all critical (so a
    second trigger could only be a duplicate, never a severity update)."""
    payloads = []
    for b in range(batches):
        alerts = []
        for i in range(per_batch):
            n = b * per_batch + i
            failure = n % 5
            service = f"svc{failure * 2 + (n // 5) % 2}"
            start = T0 + timedelta(seconds=failure * 2 + (n % 7))
            alerts.append({
                "status": "firing",
                "labels": {"alertname": f"Rule{n % 4}", "service": service,
                           "pod": f"{service}-{n}", "severity": "critical",
                           "cluster": f"c{failure}"},
                "annotations": {"summary": f"alert {n}"},
                "startsAt": start.isoformat().replace("+00:00", "Z"),
                "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": f"{n:016x}",
            })  # fmt: skip
        payloads.append({"version": "4", "status": "firing", "receiver": "efficiency",
                         "groupKey": f"storm/{b}", "alerts": alerts})  # fmt: skip
    return payloads


def send(daemon: Daemon, payload: dict[str, Any]) -> bool:
    """Post one webhook as Alertmanager does; False when the daemon did not answer."""
    try:
        answer = httpx.post(
            f"{daemon.url}/api/v1/alerts/alertmanager", json=payload, timeout=30,
            headers={"Authorization": f"Bearer {TOKEN}"},
        )  # fmt: skip
    except httpx.TransportError:
        return False
    assert answer.status_code == 200, answer.text
    return True


@pytest.fixture
def receiver() -> Iterator[PageReceiver]:
    r = PageReceiver()
    yield r
    r.server.shutdown()


@pytest.mark.slow
def test_sigkill_in_a_storm_loses_no_alert_and_sends_no_page_twice(
    tmp_path: Path, receiver: PageReceiver
) -> None:
    payloads = storm(batches=12, per_batch=100)
    daemon = Daemon(tmp_path, receiver)
    daemon.start()
    try:
        for payload in payloads[:5]:
            assert send(daemon, payload), daemon.tail()
        # the sixth webhook is in flight when the daemon dies; like Alertmanager, the
        # sender retries what was not answered once the daemon is back
        inflight = threading.Thread(target=send, args=(daemon, payloads[5]))
        inflight.start()
        time.sleep(0.05)
        daemon.kill()
        inflight.join()
        daemon.start()
        for payload in payloads[5:]:
            assert send(daemon, payload), daemon.tail()
        receiver.accept()

        database = Database(f"sqlite:///{daemon.db_path}")
        try:

            def open_ids() -> set[int]:
                got = httpx.get(f"{daemon.url}/api/v1/incidents?status=open", timeout=10,
                                headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
                return {i["id"] for i in got.json()}

            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                paged = {p["incident"]["id"] for p in receiver.pages()}
                with database.session() as s:
                    waiting = s.scalar(
                        select(func.count()).select_from(Page).where(Page.state == "pending")
                    )
                if not waiting and open_ids() and paged == open_ids():
                    break
                time.sleep(0.2)
            with database.session() as s:
                alerts = s.scalar(select(func.count()).select_from(Alert))
                members = s.execute(select(IncidentAlert.alert_id)).scalars().all()
                states = Counter(s.scalars(select(Page.state)).all())
            incidents = open_ids()
        finally:
            database.dispose()
    finally:
        daemon.stop()

    total = sum(len(p["alerts"]) for p in payloads)
    assert alerts == total, daemon.tail()  # none lost
    assert len(members) == total and len(set(members)) == total  # each in one incident
    sent = Counter((p["dedup_key"], p["action"]) for p in receiver.pages())
    assert sent and max(sent.values()) == 1, sent  # no page twice
    assert {p["incident"]["id"] for p in receiver.pages()} == incidents  # none unsent
    assert states == Counter({"sent": len(sent)}), states
