"""`efficiency daemon` as a real process under SIGKILL: a storm of 4,000 alerts over 40
services arrives over the webhook, and twice the daemon is killed while a page is on the
wire (sent, not yet recorded) and others are claimed but not sent. It is restarted each
time with the default lease (120 s). No alert is lost, the webhook receiver (which honours
``Idempotency-Key``, as the IETF draft describes) acts on each page once, and every page
that was pending at the kill arrives within a few ticks of the restart, not after the
lease."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
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
TOKEN = "storm-token-0123456789-abcdef"
TICK, RETRY = 0.3, 0.2
#: a page pending at the kill must arrive this soon after the restart: far below the 120 s
#: lease it would otherwise wait, with room for a loaded CI machine
PROMPT = 30.0


@dataclass
class Delivery:
    key: str
    body: dict[str, Any]
    at: float


class PageReceiver:
    """A webhook receiver that keeps every delivery with its ``Idempotency-Key`` and time.
    ``hold()`` makes it keep the next request open (the body read: for the receiver the page
    has arrived) until ``release()``: the daemon is then killed with that page on the wire."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.lock = threading.Lock()
        self.holding = False
        self.held = threading.Event()
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    key = self.headers.get("Idempotency-Key", "")
                    receiver.deliveries.append(Delivery(key, body, time.monotonic()))
                    hold, receiver.holding = receiver.holding, False
                if hold:
                    receiver.held.set()
                    receiver.released.wait(60)
                try:
                    self.send_response(200)
                    self.end_headers()
                except OSError:
                    pass  # the daemon died waiting for this answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold(self) -> None:
        with self.lock:
            self.holding = True
            self.held.clear()
            self.released.clear()

    def release(self) -> None:
        self.released.set()

    def received(self) -> list[Delivery]:
        with self.lock:
            return list(self.deliveries)


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
        self.config.write_text(  # the default lease: recovery must not depend on it
            f'[database]\nurl = "sqlite:///{self.db_path}"\n'
            f'[api]\nport = {self.port}\ntoken = "{TOKEN}"\n'
            f'[notify]\nservices_file = "{services}"\nretry_initial_seconds = {RETRY}\n'
            f"retry_max_seconds = 1.0\n[daemon]\ntick_seconds = {TICK}\ndetect_seconds = 0\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start and wait until it answers; returns when (monotonic)."""
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
                    return time.monotonic()
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
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


def storm(phase: int, batches: int = 20, per_batch: int = 100) -> list[dict[str, Any]]:
    """One half of the storm: ten independent failures, each on two of the phase's 20
    services, hours apart (so at least ten incidents), every batch touching all ten. All
    critical, so a second trigger could only be a duplicate, never a severity update."""
    payloads = []
    for b in range(batches):
        alerts = []
        for i in range(per_batch):
            n = b * per_batch + i
            failure = phase * 10 + n % 10
            service = f"svc{failure * 2 + (n // 10) % 2}"
            start = T0 + timedelta(hours=failure, seconds=n % 7)
            alerts.append({
                "status": "firing",
                "labels": {"alertname": f"Rule{n % 4}", "service": service,
                           "pod": f"{service}-{n}", "severity": "critical",
                           "cluster": f"c{failure}"},
                "annotations": {"summary": f"alert {phase}-{n}"},
                "startsAt": start.isoformat().replace("+00:00", "Z"),
                "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": f"{phase:02x}{n:014x}",
            })  # fmt: skip
        payloads.append({"version": "4", "status": "firing", "receiver": "efficiency",
                         "groupKey": f"storm/{phase}/{b}", "alerts": alerts})  # fmt: skip
    return payloads


def send(daemon: Daemon, payload: dict[str, Any], answered: list[bool] | None = None) -> bool:
    """Post one webhook as Alertmanager does; False when the daemon did not answer."""
    try:
        answer = httpx.post(
            f"{daemon.url}/api/v1/alerts/alertmanager", json=payload, timeout=60,
            headers={"Authorization": f"Bearer {TOKEN}"},
        )  # fmt: skip
    except httpx.TransportError:
        ok = False
    else:
        assert answer.status_code == 200, answer.text
        ok = True
    if answered is not None:
        answered.append(ok)
    return ok


def pending_pages(db_path: Path) -> tuple[set[int], int]:
    """The pages not yet recorded as sent, and how many of them are claimed."""
    database = Database(f"sqlite:///{db_path}")
    try:
        with database.session() as s:
            rows = s.execute(select(Page.id, Page.claimed_by).where(Page.state == "pending"))
            rows = rows.all()
    finally:
        database.dispose()
    return {r.id for r in rows}, sum(1 for r in rows if r.claimed_by)


def kill_with_a_page_on_the_wire(
    daemon: Daemon, receiver: PageReceiver, payloads: list[dict[str, Any]]
) -> tuple[float, set[int], int]:
    """Send the first half of ``payloads``; once the daemon is sending a page (held open by
    the receiver), kill it with one more webhook in flight, restart it, send the rest.
    Returns when it answered again, the pages pending at the kill, how many were claimed."""
    receiver.hold()
    half = len(payloads) // 2
    for payload in payloads[:half]:
        assert send(daemon, payload), daemon.tail()
    assert receiver.held.wait(30), f"no page was sent:\n{daemon.tail()}"
    answered: list[bool] = []
    inflight = threading.Thread(target=send, args=(daemon, payloads[half], answered))
    inflight.start()
    time.sleep(0.05)
    daemon.kill()
    inflight.join()
    pending, claimed = pending_pages(daemon.db_path)
    receiver.release()
    ready = daemon.start()
    rest = payloads[half + 1 :] if answered == [True] else payloads[half:]
    for payload in rest:  # like Alertmanager, the sender retries what was not answered
        assert send(daemon, payload), daemon.tail()
    return ready, pending, claimed


def wait_until_paged(daemon: Daemon, receiver: PageReceiver, timeout: float = 60) -> None:
    database = Database(f"sqlite:///{daemon.db_path}")
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with database.session() as s:
                waiting = s.scalar(
                    select(func.count()).select_from(Page).where(Page.state != "sent")
                )
                planned = s.scalar(select(func.count()).select_from(Page))
            if planned and not waiting:
                return
            time.sleep(0.1)
        pytest.fail(f"pages still pending:\n{daemon.tail()}")
    finally:
        database.dispose()


@pytest.mark.slow
def test_two_sigkills_in_a_storm_lose_nothing_page_once_and_recover_at_once(
    tmp_path: Path,
) -> None:
    receiver = PageReceiver()
    daemon = Daemon(tmp_path, receiver)
    latencies: list[float] = []
    at_kill: list[tuple[int, int]] = []
    try:
        daemon.start()
        for phase in (0, 1):
            ready, pending, claimed = kill_with_a_page_on_the_wire(daemon, receiver, storm(phase))
            at_kill.append((len(pending), claimed))
            wait_until_paged(daemon, receiver)
            page_of = _pages_by_key(daemon.db_path)
            arrived = [d.at for d in receiver.received() if page_of.get(d.key) in pending]
            latencies.append(max(arrived) - ready)
        database = Database(f"sqlite:///{daemon.db_path}")
        try:
            with database.session() as s:
                alerts = s.scalar(select(func.count()).select_from(Alert))
                members = s.execute(select(IncidentAlert.alert_id)).scalars().all()
                triggers = s.scalar(
                    select(func.count()).select_from(Page).where(Page.action == "trigger")
                )
        finally:
            database.dispose()
    finally:
        receiver.release()
        daemon.stop()
        receiver.server.shutdown()

    assert alerts == 4000, daemon.tail()  # none lost
    assert len(members) == 4000 and len(set(members)) == 4000  # each in one incident
    received = receiver.received()
    acted = {(d.key, d.body["action"], d.body["dedup_key"]) for d in received}
    per_incident = Counter((dedup, action) for _, action, dedup in acted)
    assert max(per_incident.values()) == 1, per_incident  # one key per incident and action
    assert len(acted) == triggers >= 20  # every incident paged, none twice
    assert all(d.key and d.body["idempotency_key"] == d.key for d in received)
    # the page on the wire at each kill came again after the restart, with its key
    assert len(received) - len(acted) == 2, Counter(d.key for d in received)
    assert all(n >= 2 and claimed >= 1 for n, claimed in at_kill), at_kill
    assert max(latencies) < PROMPT, (latencies, at_kill)
    print(f"pending/claimed at the kills {at_kill}; all arrived {latencies} s after restart")


def _pages_by_key(db_path: Path) -> dict[str, int]:
    """Idempotency key -> page id, as the outbox computes it."""
    from efficiency.notify.claim import Claim
    from efficiency.notify.deliver import idempotency_key

    database = Database(f"sqlite:///{db_path}")
    try:
        with database.session() as s:
            pages = s.scalars(select(Page)).all()
            return {
                idempotency_key(
                    Claim(p.id, p.route, p.action, p.dedup_key, 0, {}, T0, p.revision)
                ): p.id
                for p in pages
            }
    finally:
        database.dispose()
