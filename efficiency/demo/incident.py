"""The demo's incident half: checkout's dependents alert, through a real Alertmanager when the
Debian binary is installed (else posted in Alertmanager's webhook format), into the real
efficiency API; the daemon's correlate and deliver passes open one incident and page a local
webhook receiver; a savings report file closes it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from efficiency.config import Config
from efficiency.store.db import Database

#: forces the fallback (posting the webhook body ourselves) when set to "off"; else a path
ALERTMANAGER_ENV = "EFFICIENCY_DEMO_ALERTMANAGER"
ALERTMANAGER_BINARIES = ("prometheus-alertmanager", "alertmanager")

#: the demo fleet's topology: storefront calls checkout and search; checkout is the one deployed
TOPOLOGY = {"storefront": ["checkout", "search"], "checkout": [], "search": [],
            "thumbnailer": []}  # fmt: skip

#: what checkout's dependents fire once checkout v2 is live (Prometheus rules would)
ALERTS = (
    ("StorefrontCheckoutLatencyHigh", "storefront", "critical",
     "storefront: p99 of POST /cart/checkout above its 300 ms SLO"),
    ("CheckoutCpuSaturated", "checkout", "warning",
     "checkout: CPU per priced cart up since the last deploy"),
)  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def alertmanager_binary() -> str | None:
    """The Alertmanager to run: ``$EFFICIENCY_DEMO_ALERTMANAGER`` ("off" = none), else the
    Debian binary on PATH; None means the demo posts Alertmanager's webhook body itself."""
    chosen = os.environ.get(ALERTMANAGER_ENV, "")
    if chosen == "off":
        return None
    if chosen:
        return shutil.which(chosen)
    return next((p for p in map(shutil.which, ALERTMANAGER_BINARIES) if p), None)


class PageReceiver:
    """A real HTTP webhook receiver on 127.0.0.1 that keeps every JSON body it is sent."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                bodies.append(json.loads(self.rfile.read(size) or b"{}"))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/page"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def services_yaml(receiver_url: str) -> str:
    """The catalog: one team paged through the local receiver, the fleet with its topology."""
    lines = ["default_team: shop", "teams:", "  shop:", "    routes:",
             f'      - webhook: {{url: "{receiver_url}"}}', "        min_severity: warning",
             "services:"]  # fmt: skip
    for name, deps in TOPOLOGY.items():
        lines.append(f"  {name}: {{owner: demo, team: shop, dependencies: [{', '.join(deps)}]}}")
    return "\n".join(lines) + "\n"


def alertmanager_yaml(webhook: str, token: str) -> str:
    return (
        # one group for the demo's alerts (no group_by): they reach the API in one webhook, so
        # the incident opens once at its final severity and pages once, run after run
        "route:\n  receiver: efficiency\n"
        "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n"
        "receivers:\n  - name: efficiency\n    webhook_configs:\n"
        f'      - url: "{webhook}"\n        send_resolved: true\n'
        f'        http_config: {{authorization: {{credentials: "{token}"}}}}\n'
    )


def _alerts(at: datetime) -> list[dict[str, Any]]:
    return [
        {"labels": {"alertname": name, "service": service, "severity": severity},
         "annotations": {"summary": summary}, "startsAt": at.isoformat()}
        for name, service, severity, summary in ALERTS
    ]  # fmt: skip


def webhook_body(at: datetime) -> dict[str, Any]:
    """The alerts as Alertmanager's webhook (version 4) would post them, one group."""
    alerts = [{**a, "status": "firing", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "",
               "fingerprint": f"{i:016x}"} for i, a in enumerate(_alerts(at), 1)]  # fmt: skip
    return {"version": "4", "groupKey": '{}:{alertname=~".+"}', "truncatedAlerts": 0,
            "status": "firing", "receiver": "efficiency", "groupLabels": {},
            "commonLabels": {}, "commonAnnotations": {}, "externalURL": "",
            "alerts": alerts}  # fmt: skip


@contextmanager
def serving_api(
    config: Config, database: Database, after_alerts: Callable[[], object]
) -> Iterator[str]:
    """The real efficiency API (uvicorn) on a free loopback port, in a thread."""
    import uvicorn

    from efficiency.ingest.api import create_app

    app = create_app(config, database, after_alerts=after_alerts)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the efficiency API did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def running_alertmanager(binary: str, workdir: Path, webhook: str, token: str) -> Iterator[str]:
    """A real Alertmanager on a free loopback port, clustering off, with fresh storage: its
    notification log would otherwise hold back a rerun's alerts as already sent."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    (workdir / "alertmanager.yml").write_text(alertmanager_yaml(webhook, token))
    port = free_port()
    with (workdir / "alertmanager.log").open("wb") as log:
        proc = subprocess.Popen(
            [binary, f"--config.file={workdir / 'alertmanager.yml'}",
             f"--storage.path={workdir / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
             "--cluster.listen-address="],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"alertmanager exited {proc.returncode}; see {log.name}")
            try:
                if httpx.get(f"{url}/-/ready", timeout=2).is_success:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"alertmanager did not get ready in 30 s; see {log.name}")
            time.sleep(0.1)
        yield url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@dataclass
class IncidentResult:
    via: str
    incident: dict[str, Any] | None
    pages: list[dict[str, Any]] = field(default_factory=list)
    receiver: str = ""


def alert_and_page(
    config: Config,
    database: Database,
    workdir: Path,
    receiver: PageReceiver,
    binary: str | None,
) -> IncidentResult:
    """Fire the dependents' alerts into the API (via Alertmanager when ``binary``), run the
    correlate pass on ingest and the deliver pass until the page is out."""
    from efficiency.daemon import Pipeline
    from efficiency.store.incident_queries import list_incidents

    pipeline = Pipeline(config, database)
    token = config.api.token
    now = datetime.now(UTC)
    with ExitStack() as stack:
        api = stack.enter_context(serving_api(config, database, pipeline.correlate))
        webhook = f"{api}/api/v1/alerts/alertmanager"
        if binary:
            am = stack.enter_context(
                running_alertmanager(binary, workdir / "alertmanager", webhook, token)
            )
            httpx.post(f"{am}/api/v2/alerts", json=_alerts(now), timeout=10).raise_for_status()
            via = f"Alertmanager ({binary}) at {am}"
        else:
            reply = httpx.post(webhook, json=webhook_body(now), timeout=10,
                               headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            reply.raise_for_status()
            via = "Alertmanager's webhook format, posted directly (no alertmanager binary)"
        deadline = time.monotonic() + 30
        incidents: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            with database.session() as s:
                incidents = list_incidents(s, status="open")
            if sum(len(i["alert_fingerprints"]) for i in incidents) >= len(ALERTS):
                break
            pipeline.correlate()
            time.sleep(0.2)
        while time.monotonic() < deadline and not receiver.bodies:
            pipeline.deliver()
            time.sleep(0.2)
    with database.session() as s:
        incidents = list_incidents(s, status="open")
    return IncidentResult(via, incidents[0] if incidents else None, list(receiver.bodies),
                          receiver.url)  # fmt: skip
