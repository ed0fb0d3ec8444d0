"""The demo's incident half: the real efficiency API that the alerts reach, a real Alertmanager
(when the Debian binary is installed) in front of it, the services catalog, and a local
webhook receiver; once the alerts are in, the daemon's correlate and deliver passes open one
incident and page that receiver."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from collectors.errors import CollectorError
from efficiency.config import Config
from efficiency.demo.prometheus import stop_process, wait_ready
from efficiency.serving import free_port
from efficiency.store.db import Database

#: "off": no Prometheus nor Alertmanager, the demo evaluates the rules and posts the webhook
#: body itself; else the Alertmanager binary to run (a path or a name on PATH)
ALERTMANAGER_ENV = "EFFICIENCY_DEMO_ALERTMANAGER"
ALERTMANAGER_BINARIES = ("prometheus-alertmanager", "alertmanager")

#: the demo fleet's topology: storefront calls checkout and search; checkout is the one deployed
TOPOLOGY = {"storefront": ["checkout", "search"], "checkout": [], "search": [],
            "thumbnailer": []}  # fmt: skip


def alertmanager_binary() -> str | None:
    """The Alertmanager to run: ``$EFFICIENCY_DEMO_ALERTMANAGER`` ("off" = none), else the
    Debian binary on PATH; None means the demo posts Alertmanager's webhook body itself."""
    chosen = os.environ.get(ALERTMANAGER_ENV, "")
    if chosen == "off":
        return None
    if chosen:
        return shutil.which(chosen)
    return next((p for p in map(shutil.which, ALERTMANAGER_BINARIES) if p), None)


def prometheus_binary() -> str | None:
    """The Prometheus that evaluates the alert rules: ``prometheus`` on PATH, unless
    ``$EFFICIENCY_DEMO_ALERTMANAGER`` is "off"; None means the demo evaluates them itself."""
    if os.environ.get(ALERTMANAGER_ENV, "") == "off":
        return None
    return shutil.which("prometheus")


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


@contextmanager
def serving_api(
    config: Config, database: Database, after_alerts: Callable[[], Any] | None
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
            raise CollectorError("the efficiency API did not start")
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
        wait_ready(proc, url, workdir / "alertmanager.log", "alertmanager")
        yield url
    finally:
        stop_process(proc)


@dataclass
class IncidentResult:
    via: str
    incident: dict[str, Any] | None
    pages: list[dict[str, Any]] = field(default_factory=list)
    receiver: str = ""


def wait_for_alerts(database: Database, names: set[str], timeout: float) -> set[str]:
    """Wait until an alert of each name is stored as firing; the names that are."""
    from sqlalchemy import select

    from efficiency.store.events import Alert

    deadline = time.monotonic() + timeout
    while True:
        with database.session() as s:
            found = set(s.scalars(select(Alert.alertname).where(Alert.status == "firing")))
        if names <= found or time.monotonic() > deadline:
            return found & names
        time.sleep(0.2)


def open_and_page(
    config: Config, database: Database, receiver: PageReceiver, via: str, timeout: float = 30.0
) -> IncidentResult:
    """The daemon's correlate pass over the stored alerts, detections and changes, then its
    deliver pass until the page is out (or ``timeout``)."""
    from efficiency.daemon import Pipeline
    from efficiency.store.incident_queries import list_incidents

    pipeline = Pipeline(config, database)
    pipeline.correlate()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.session() as s:
            pending = any(i["status"] == "open" for i in list_incidents(s, status="open"))
        if not pending or receiver.bodies:
            break
        pipeline.deliver()
        time.sleep(0.2)
    with database.session() as s:
        incidents = list_incidents(s, status="open")
    return IncidentResult(via, incidents[0] if incidents else None, list(receiver.bodies),
                          receiver.url)  # fmt: skip
